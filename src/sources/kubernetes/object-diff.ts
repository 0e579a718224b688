/**
 * Diff summaries for the policy-change journal: what changed in a NetworkPolicy spec or in a
 * namespace's labels, in words a reviewer reads at a glance. Pure; the texts carry names and
 * label values from the cluster (attacker-influenced), so whoever renders them escapes them.
 */

type Json = unknown;

const MAX_DIFF_LINES = 50;
const MAX_VALUE_CHARS = 200;

const isObj = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function show(v: Json): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
}

/** One line per changed leaf path (`spec.ingress[0].ports: [..] → [..]`), at most 50. */
export function jsonDiff(before: Json, after: Json, path = ''): string[] {
  const out: string[] = [];
  const walk = (a: Json, b: Json, p: string): void => {
    if (out.length >= MAX_DIFF_LINES) return;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (isObj(a) && isObj(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(a[k], b[k], p ? `${p}.${k}` : k);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${p}[${i}]`));
      return;
    }
    const where = p || '(root)';
    if (a === undefined) out.push(`${where}: added ${show(b)}`);
    else if (b === undefined) out.push(`${where}: removed ${show(a)}`);
    else out.push(`${where}: ${show(a)} → ${show(b)}`);
  };
  walk(before, after, path);
  return out;
}

const rules = (spec: Json, side: 'ingress' | 'egress'): number => {
  const r = isObj(spec) ? spec[side] : undefined;
  return Array.isArray(r) ? r.length : 0;
};
const types = (spec: Json): string[] => {
  const t = isObj(spec) ? spec['policyTypes'] : undefined;
  return Array.isArray(t) ? t.map(String) : [];
};

/** A one-line summary of a NetworkPolicy change (spec before and after; null when absent). */
export function policySummary(
  type: 'added' | 'modified' | 'deleted',
  before: Json,
  after: Json,
): string {
  const spec = type === 'deleted' ? before : after;
  const count = (s: Json): string =>
    `ingress rules ${rules(s, 'ingress')}, egress rules ${rules(s, 'egress')}`;
  if (type === 'added')
    return `added (${types(spec).join('+') || 'no policyTypes'}; ${count(spec)})`;
  if (type === 'deleted') return `deleted (had ${count(spec)})`;
  const parts: string[] = [];
  for (const side of ['ingress', 'egress'] as const) {
    const [a, b] = [rules(before, side), rules(after, side)];
    if (a !== b) parts.push(`${side} rules ${a} → ${b}`);
  }
  const [ta, tb] = [types(before), types(after)];
  for (const t of tb) if (!ta.includes(t)) parts.push(`policyTypes + ${t}`);
  for (const t of ta) if (!tb.includes(t)) parts.push(`policyTypes − ${t}`);
  const sel = (s: Json): string => show(isObj(s) ? s['podSelector'] : undefined);
  if (sel(before) !== sel(after)) parts.push('podSelector changed');
  if (parts.length === 0) parts.push('rules changed');
  return `modified: ${parts.join('; ')}`;
}

/** A one-line summary of a namespace's label change (`+team=a, −env, ~tier: x → y`). */
export function labelSummary(
  type: 'added' | 'modified' | 'deleted',
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string {
  if (type === 'added') return `namespace added (${Object.keys(after).length} labels)`;
  if (type === 'deleted') return 'namespace deleted';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) parts.push(`+${k}=${v}`);
    else if (before[k] !== v) parts.push(`~${k}: ${before[k] ?? ''} → ${v}`);
  }
  for (const k of Object.keys(before)) if (!(k in after)) parts.push(`−${k}`);
  return `labels ${parts.join(', ')}`;
}

/** The labels of an object's metadata, as strings. */
export function labelsOf(o: Json): Record<string, string> {
  const m = isObj(o) ? o['metadata'] : undefined;
  const l = isObj(m) ? m['labels'] : undefined;
  if (!isObj(l)) return {};
  return Object.fromEntries(Object.entries(l).map(([k, v]) => [k, String(v)]));
}
