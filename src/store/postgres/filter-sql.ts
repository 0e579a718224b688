/** Turns a `FlowFilter` into PostgreSQL conditions with numbered parameters. */
import type { FlowFilter } from '../flow-store.js';
import { InvalidQueryError } from '../flow-store.js';
import { cidrOf } from './inet.js';
import { pgText } from './pool.js';

/** Conditions and their parameters; `add` returns the placeholder of a new parameter. */
export class PgWhere {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  sql(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

type Tier = 'raw' | 'rollup';

const texts = (values: readonly string[]): string[] => values.map((v) => pgText(v));

/** `column = $n` for one value (an index on column can then also give the time order). */
function oneOf(where: PgWhere, column: string, values: readonly string[]): string {
  return values.length === 1
    ? `${column} = ${where.add(pgText(values[0] as string))}`
    : `${column} = ANY(${where.add(texts(values))}::text[])`;
}

function inList(where: PgWhere, column: string, values: readonly string[] | undefined): void {
  if (values === undefined) return;
  where.clauses.push(values.length === 0 ? 'false' : oneOf(where, column, values));
}

/**
 * Conditions for every filter field except the time range (each tier handles time its own way).
 * Rollups keep neither pods nor IPs, so those filters are refused there rather than ignored.
 */
export function pgFilterWhere(filter: FlowFilter, tier: Tier, where = new PgWhere()): PgWhere {
  const k = tier === 'rollup' ? 'k.' : '';
  inList(where, `${k}cluster`, filter.cluster);
  if (filter.namespace !== undefined) {
    if (filter.namespace.length === 0) where.clauses.push('false');
    else {
      const ns = filter.namespace;
      where.clauses.push(
        `(${oneOf(where, `${k}src_ns`, ns)} OR ${oneOf(where, `${k}dst_ns`, ns)})`,
      );
    }
  }
  if (filter.workload !== undefined) {
    const wl = where.add(pgText(filter.workload));
    where.clauses.push(`(${k}src_wl = ${wl} OR ${k}dst_wl = ${wl})`);
  }
  if ((filter.pod !== undefined || filter.ip !== undefined) && tier === 'rollup') {
    throw new InvalidQueryError('rollups do not keep pods or IPs; query raw flows instead');
  }
  if (filter.pod !== undefined) {
    const pod = where.add(pgText(filter.pod));
    where.clauses.push(`(src_pod = ${pod} OR dst_pod = ${pod})`);
  }
  if (filter.ip !== undefined) {
    const cidr = cidrOf(filter.ip);
    if (!cidr) {
      throw new InvalidQueryError(`ip: not an IP address or CIDR: ${JSON.stringify(filter.ip)}`);
    }
    const c = where.add(cidr);
    where.clauses.push(`(src_inet <<= ${c}::cidr OR dst_inet <<= ${c}::cidr)`);
  }
  if (filter.port !== undefined) where.clauses.push(`${k}port = ${where.add(filter.port)}`);
  inList(where, `${k}protocol`, filter.protocol);
  inList(where, `${k}verdict`, filter.verdict);
  inList(where, `${k}direction`, filter.direction);
  inList(where, `${k}reason`, filter.reason);
  inList(where, `${k}source`, filter.source);
  if (filter.policy !== undefined) {
    const p = where.add(pgText(filter.policy));
    where.clauses.push(tier === 'raw' ? `${p} = ANY(policy_keys)` : `k.policy = ${p}`);
  }
  return where;
}
