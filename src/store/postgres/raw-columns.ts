/**
 * Raw events as column arrays for one `INSERT … SELECT FROM unnest(…)` per batch: 37 array
 * parameters instead of 37 parameters per row, so the statement text (and its plan) is the
 * same for every batch size.
 */
import type { Endpoint, Flow } from '../../domain/flow.js';
import { endpointExtra, policiesJson } from '../raw-row.js';
import { policyKey } from '../rollup-key.js';
import { inetOf } from './inet.js';
import { pgText } from './text.js';

/** Column name and the PostgreSQL array type its values are sent as. */
const ENDPOINT: [string, string][] = [
  ['kind', 'text'],
  ['ns', 'text'],
  ['pod', 'text'],
  ['wl_kind', 'text'],
  ['wl', 'text'],
  ['ip', 'text'],
  ['inet', 'inet'],
  ['group', 'text'],
  ['extra', 'text'],
];

const COLUMNS: [string, string][] = [
  ['time', 'bigint'],
  ['cluster', 'text'],
  ...ENDPOINT.map(([c, t]): [string, string] => [`src_${c}`, t]),
  ...ENDPOINT.map(([c, t]): [string, string] => [`dst_${c}`, t]),
  ['protocol', 'text'],
  ['port', 'integer'],
  ['direction', 'text'],
  ['verdict', 'text'],
  ['reason', 'text'],
  ['drop_reason', 'text'],
  ['policies', 'text'],
  // Sent as a JSON array per row: unnest() would flatten a two-dimensional text[][].
  ['policy_keys', 'text'],
  ['flows', 'bigint'],
  ['packets', 'bigint'],
  ['bytes', 'bigint'],
  ['bytes_to_dst', 'bigint'],
  ['bytes_to_src', 'bigint'],
  ['source', 'text'],
  ['node', 'text'],
  ['duration_ms', 'bigint'],
  ['sample_weight', 'float8'],
];

const select = COLUMNS.map(([c]) =>
  c === 'policy_keys'
    ? 'CASE WHEN u.policy_keys IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text(u.policy_keys::json)) END'
    : `u.${c}`,
);

export const RAW_INSERT_SQL = `INSERT INTO flow_events (${COLUMNS.map(([c]) => `"${c}"`).join(', ')})
SELECT ${select.join(', ')}
FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')})
  AS u(${COLUMNS.map(([c]) => `"${c}"`).join(', ')})`;

export type Cell = string | number | null;

/**
 * One element of a PostgreSQL array literal, as the driver itself would write it: NULL bare,
 * numbers as digits, text in double quotes with `\` and `"` escaped (so a comma, a brace, a
 * space or the word NULL inside a name stays text).
 */
function element(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `"${v.includes('\\') || v.includes('"') ? v.replace(/[\\"]/g, '\\$&') : v}"`;
}

/**
 * One array per column, filled row by row, or taken already encoded from another thread.
 *
 * Ingest workers `encode()` the columns of their batch; the writer appends those texts and
 * sends `params()`. The thread that writes then neither receives 37 arrays of values per
 * batch (a structured clone of every value) nor lets the driver encode them, which it does
 * for a whole group at once, in one synchronous step that holds up the API's answers.
 */
export class RawColumns {
  readonly arrays: Cell[][] = COLUMNS.map(() => []);
  /** Per column, the encoded elements of the batches appended with `appendEncoded`. */
  private readonly encoded: string[][] = COLUMNS.map(() => []);
  length = 0;

  /** Appends `rows` rows given as `encode()` of another `RawColumns` (e.g. from a worker). */
  appendEncoded(columns: readonly string[], rows: number): void {
    if (columns.length !== this.encoded.length) throw new Error('raw columns do not match');
    if (rows === 0) return;
    columns.forEach((text, i) => (this.encoded[i] as string[]).push(text));
    this.length += rows;
  }

  /** Each column's elements as array-literal text, without the braces. */
  encode(): string[] {
    return this.arrays.map((column) => column.map(element).join(','));
  }

  /** The insert's parameters: one array literal per column, the rows appended first. */
  params(): string[] {
    return this.arrays.map((column, i) => {
      const parts = this.encoded[i] as string[];
      const own = column.length > 0 ? [column.map(element).join(',')] : [];
      return `{${[...parts, ...own].join(',')}}`;
    });
  }

  push(flow: Flow, weight: number): void {
    const a = this.arrays;
    let i = 0;
    const put = (v: Cell): void => {
      (a[i++] as Cell[]).push(v);
    };
    const text = (v: string | null): void => put(pgText(v));
    const endpoint = (e: Endpoint): void => {
      text(e.kind);
      text(e.namespace);
      text(e.pod);
      text(e.workload?.kind ?? null);
      text(e.workload?.name ?? null);
      text(e.ip);
      put(inetOf(e.ip));
      text(e.externalGroup);
      put(endpointExtra(e));
    };
    put(flow.time);
    text(flow.cluster);
    endpoint(flow.src);
    endpoint(flow.dst);
    text(flow.protocol);
    put(flow.port);
    text(flow.direction);
    text(flow.verdict);
    text(flow.reason);
    text(flow.dropReason);
    put(policiesJson(flow));
    put(
      flow.policies.length === 0
        ? null
        : JSON.stringify(flow.policies.map((p) => pgText(policyKey(p)))),
    );
    put(flow.flows);
    put(flow.packets);
    put(flow.bytes);
    put(flow.bytesToDst);
    put(flow.bytesToSrc);
    text(flow.source);
    text(flow.node);
    put(flow.durationMs);
    put(weight);
    this.length++;
  }
}
