/** Turns a `FlowFilter` into SQL conditions for the raw tier or the rollup tiers. */
import type { FlowFilter } from '../flow-store.js';
import { InvalidQueryError } from '../flow-store.js';
import { ipKeyRange } from '../ip-key.js';

export interface SqlWhere {
  clauses: string[];
  params: unknown[];
}

type Tier = 'raw' | 'rollup';

// Column names per tier; `k.` is the rollup_keys alias joined to rollup rows.
const COL = {
  raw: { srcNs: 'src_ns', dstNs: 'dst_ns', srcWl: 'src_wl', dstWl: 'dst_wl', prefix: '' },
  rollup: {
    srcNs: 'k.src_ns',
    dstNs: 'k.dst_ns',
    srcWl: 'k.src_wl',
    dstWl: 'k.dst_wl',
    prefix: 'k.',
  },
} as const;

function inList(where: SqlWhere, column: string, values: readonly unknown[] | undefined): void {
  if (values === undefined) return;
  if (values.length === 0) {
    where.clauses.push('0');
    return;
  }
  where.clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
  where.params.push(...values);
}

/**
 * Conditions for every filter field except the time range (each tier handles time its own way).
 * Rollups keep neither pods nor IPs, so those filters are refused there rather than ignored.
 */
export function filterWhere(filter: FlowFilter, tier: Tier): SqlWhere {
  const c = COL[tier];
  const where: SqlWhere = { clauses: [], params: [] };
  inList(where, `${c.prefix}cluster`, filter.cluster);
  if (filter.namespace !== undefined) {
    const ns = filter.namespace;
    if (ns.length === 0) where.clauses.push('0');
    else {
      const marks = ns.map(() => '?').join(', ');
      where.clauses.push(`(${c.srcNs} IN (${marks}) OR ${c.dstNs} IN (${marks}))`);
      where.params.push(...ns, ...ns);
    }
  }
  if (filter.workload !== undefined) {
    where.clauses.push(`(${c.srcWl} = ? OR ${c.dstWl} = ?)`);
    where.params.push(filter.workload, filter.workload);
  }
  if (filter.pod !== undefined || filter.ip !== undefined) {
    if (tier === 'rollup') {
      throw new InvalidQueryError('rollups do not keep pods or IPs; query raw flows instead');
    }
  }
  if (filter.pod !== undefined) {
    where.clauses.push('(src_pod = ? OR dst_pod = ?)');
    where.params.push(filter.pod, filter.pod);
  }
  if (filter.ip !== undefined) {
    const r = ipKeyRange(filter.ip);
    if (!r)
      throw new InvalidQueryError(`ip: not an IP address or CIDR: ${JSON.stringify(filter.ip)}`);
    where.clauses.push('(src_ip_key BETWEEN ? AND ? OR dst_ip_key BETWEEN ? AND ?)');
    where.params.push(r.lo, r.hi, r.lo, r.hi);
  }
  if (filter.port !== undefined) {
    where.clauses.push(`${c.prefix}port = ?`);
    where.params.push(filter.port);
  }
  inList(where, `${c.prefix}protocol`, filter.protocol);
  inList(where, `${c.prefix}verdict`, filter.verdict);
  inList(where, `${c.prefix}direction`, filter.direction);
  inList(where, `${c.prefix}reason`, filter.reason);
  inList(where, `${c.prefix}source`, filter.source);
  if (filter.policy !== undefined) {
    if (tier === 'raw') {
      where.clauses.push("instr(policy_keys, '|' || ? || '|') > 0");
    } else {
      where.clauses.push('k.policy = ?');
    }
    where.params.push(filter.policy);
  }
  return where;
}

export function whereSql(where: SqlWhere): string {
  return where.clauses.length === 0 ? '' : `WHERE ${where.clauses.join(' AND ')}`;
}
