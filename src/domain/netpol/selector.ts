/** Label selectors: compile the wire shape once, then match label maps cheaply. */
import type {
  Labels,
  LabelSelector,
  ModelError,
  SelectorExpressionText,
  SelectorOperator,
  SelectorRequirement,
} from './types.js';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** A selector that matches everything (`{}`). */
export const MATCH_ALL: LabelSelector = {
  requirements: [],
  source: { matchLabels: {}, matchExpressions: [] },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Compiles a `metav1.LabelSelector`. Invalid parts are reported with their path and the
 * selector is returned as `null` (an invalid selector must not silently match everything).
 *
 * @example
 * const { selector } = compileSelector({ matchLabels: { app: 'web' } }, 'spec.podSelector');
 * matchesSelector(selector!, new Map([['app', 'web']])); // true
 */
export function compileSelector(
  raw: unknown,
  path: string,
): { selector: LabelSelector | null; errors: ModelError[] } {
  const errors: ModelError[] = [];
  if (raw === null || raw === undefined) return { selector: MATCH_ALL, errors };
  if (!isRecord(raw)) {
    return { selector: null, errors: [{ path, message: 'must be an object' }] };
  }
  const requirements: SelectorRequirement[] = [];
  const matchLabels: Record<string, string> = {};
  const matchExpressions: SelectorExpressionText[] = [];
  if (raw.matchLabels !== undefined && raw.matchLabels !== null) {
    if (!isRecord(raw.matchLabels)) {
      errors.push({ path: `${path}.matchLabels`, message: 'must be a map of strings' });
    } else {
      for (const [key, value] of Object.entries(raw.matchLabels)) {
        const v = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
        if (typeof v !== 'string' || key === '') {
          errors.push({ path: `${path}.matchLabels.${key}`, message: 'must be a string value' });
          continue;
        }
        Object.defineProperty(matchLabels, key, { value: v, enumerable: true, writable: true });
        requirements.push({ key, operator: 'In', values: new Set([v]) });
      }
    }
  }
  if (raw.matchExpressions !== undefined && raw.matchExpressions !== null) {
    if (!Array.isArray(raw.matchExpressions)) {
      errors.push({ path: `${path}.matchExpressions`, message: 'must be a list' });
    } else {
      raw.matchExpressions.forEach((e: unknown, i: number) => {
        const p = `${path}.matchExpressions[${i}]`;
        const req = compileExpression(e, p, errors);
        if (req) {
          requirements.push(req);
          matchExpressions.push({ key: req.key, operator: req.operator, values: [...req.values] });
        }
      });
    }
  }
  if (errors.length > 0) return { selector: null, errors };
  return { selector: { requirements, source: { matchLabels, matchExpressions } }, errors };
}

function compileExpression(
  e: unknown,
  p: string,
  errors: ModelError[],
): SelectorRequirement | null {
  if (!isRecord(e)) {
    errors.push({ path: p, message: 'must be an object' });
    return null;
  }
  const { key, operator, values } = e;
  if (typeof key !== 'string' || key === '') {
    errors.push({ path: `${p}.key`, message: 'must be a non-empty string' });
    return null;
  }
  if (typeof operator !== 'string' || !OPERATORS.includes(operator as SelectorOperator)) {
    errors.push({
      path: `${p}.operator`,
      message: `unknown operator ${JSON.stringify(operator)}; expected In, NotIn, Exists or DoesNotExist`,
    });
    return null;
  }
  const op = operator as SelectorOperator;
  const list = values === undefined || values === null ? [] : values;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
    errors.push({ path: `${p}.values`, message: 'must be a list of strings' });
    return null;
  }
  if ((op === 'In' || op === 'NotIn') && list.length === 0) {
    errors.push({ path: `${p}.values`, message: `must be non-empty when operator is ${op}` });
    return null;
  }
  if ((op === 'Exists' || op === 'DoesNotExist') && list.length > 0) {
    errors.push({ path: `${p}.values`, message: `must be empty when operator is ${op}` });
    return null;
  }
  return { key, operator: op, values: new Set(list as string[]) };
}

/** True when every requirement holds. `NotIn` and `DoesNotExist` match a missing key. */
export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  for (const r of selector.requirements) {
    const v = labels.get(r.key);
    switch (r.operator) {
      case 'In':
        if (v === undefined || !r.values.has(v)) return false;
        break;
      case 'NotIn':
        if (v !== undefined && r.values.has(v)) return false;
        break;
      case 'Exists':
        if (v === undefined) return false;
        break;
      case 'DoesNotExist':
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}

/** Builds a label Map from an untrusted record, ignoring non-string values. */
export function labelsFrom(
  record: Record<string, unknown> | undefined | null,
): Map<string, string> {
  const out = new Map<string, string>();
  if (!record || typeof record !== 'object') return out;
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === 'string') out.set(k, v);
  }
  return out;
}

/** Renders a selector for people, e.g. `app=web,tier in (a,b)`; `{}` for match-all. */
export function formatSelector(selector: LabelSelector): string {
  if (selector.requirements.length === 0) return '{}';
  const parts = Object.entries(selector.source.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.source.matchExpressions) {
    const vals = e.values.join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
