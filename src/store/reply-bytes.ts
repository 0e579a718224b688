/**
 * The statement behind `FlowStore.queryReplyBytes`, shared by both backends: they differ only
 * in how parameters are written and in the sum, which must give a JavaScript number (`total`
 * on SQLite, `sum(...)::float8` on PostgreSQL: a bigint sum would come back as text).
 */
import type { ReplyBytesQuery } from './flow-store.js';
import { InvalidQueryError } from './flow-store.js';

/** The query's ports, checked: whole numbers from 0 to 65535, each once. */
export function replyBytesPorts(q: ReplyBytesQuery): number[] {
  for (const p of q.ports) {
    if (!Number.isInteger(p) || p < 0 || p > 65_535)
      throw new InvalidQueryError(`ports: ${String(p)} is not a port (0 to 65535)`);
  }
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to))
    throw new InvalidQueryError('from and to must be numbers (epoch ms)');
  return [...new Set(q.ports)];
}

/**
 * SELECT of the sums. Its parameters are from, to, protocol, then the ports: `param(n)` writes
 * the placeholder of the n-th (from 1), `sum` the sum of a column. Rows in no set order.
 */
export function replyBytesSql(
  ports: number,
  param: (n: number) => string,
  sum: (column: string) => string,
): string {
  const portList = Array.from({ length: ports }, (_, i) => param(i + 4)).join(', ');
  return `SELECT cluster, dst_ns AS namespace, coalesce(dst_wl, dst_pod) AS workload, port,
      ${sum('bytes_to_src')} AS "toSrc", ${sum('bytes_to_dst')} AS "toDst"
    FROM flow_events
    WHERE verdict = 'allowed' AND time >= ${param(1)} AND time < ${param(2)}
      AND protocol = ${param(3)} AND port IN (${portList})
      AND src_kind = 'external' AND dst_kind <> 'external'
      AND bytes_to_src IS NOT NULL AND bytes_to_dst IS NOT NULL
    GROUP BY cluster, dst_ns, coalesce(dst_wl, dst_pod), port`;
}
