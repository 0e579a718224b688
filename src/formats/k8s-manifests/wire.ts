/** Small readers for untrusted wire values: each returns undefined instead of throwing. */

export type WireObject = Record<string, unknown>;

export function asObject(v: unknown): WireObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as WireObject) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Labels: string values only; numbers and booleans written unquoted in YAML become strings. */
export function asLabels(v: unknown): Record<string, string> | undefined {
  const o = asObject(v);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    const s = typeof val === 'number' || typeof val === 'boolean' ? String(val) : val;
    if (typeof s === 'string') Object.defineProperty(out, k, { value: s, enumerable: true });
  }
  return out;
}

/** A port number, also when sent as a numeric string. */
export function asPortNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{1,5}$/.test(v)) return Number(v);
  return undefined;
}
