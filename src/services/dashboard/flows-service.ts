import { CONFIG_DEFAULTS } from '../../api/config-schema.js';
import type {
  ExportQuery,
  FlowFilterQuery,
  FlowPageQuery,
  FlowPageResponse,
  FlowRow,
} from '../../api/dashboard-schema.js';
import { searchFlows } from '../../store/flow-search.js';
import type { FlowFilter } from '../../store/flow-store.js';
import { csvLine } from './csv.js';
import { toFlowRow } from './peer-flows.js';
import { type AccessScope, type DashboardDeps, scopedFilter } from './scope.js';

export function toFlowFilter(q: FlowFilterQuery): FlowFilter {
  const out: FlowFilter = {};
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || k === 'limit' || k === 'cursor' || k === 'format') continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/**
 * One page of raw events for the flow explorer, newest first, searched for at most about
 * `deps.flowSearchMs` (then the page says how far it got: `searchedTo`).
 */
export async function getFlowPage(
  deps: DashboardDeps,
  q: FlowPageQuery,
  scope?: AccessScope,
): Promise<FlowPageResponse> {
  const filter = scopedFilter(toFlowFilter(q), scope);
  if (!filter) return { flows: [], next: null, searchedTo: null };
  const page = await searchFlows(
    deps.store,
    filter,
    { limit: q.limit, cursor: q.cursor ?? null },
    // Measured on the wall clock, not the dashboard's (which a test or the demo may pin); a
    // window without `to` is searched from the dashboard's now down.
    deps.flowSearchMs ?? CONFIG_DEFAULTS.server.flowSearchMs,
    { top: deps.now() },
  );
  return { flows: page.flows.map(toFlowRow), next: page.next, searchedTo: page.searchedTo };
}

export const CSV_COLUMNS = [
  'time',
  'cluster',
  'verdict',
  'direction',
  'reason',
  'drop_reason',
  'src_namespace',
  'src_pod',
  'src_workload',
  'src_ip',
  'dst_namespace',
  'dst_pod',
  'dst_workload',
  'dst_ip',
  'dst_dns',
  'protocol',
  'port',
  'policies',
  'flows',
  'packets',
  'bytes',
  'sample_weight',
  'source',
] as const;

function csvRow(f: FlowRow): string {
  const side = (e: FlowRow['src']): string | null => e.workload?.name ?? e.externalGroup;
  return csvLine([
    new Date(f.time).toISOString(),
    f.cluster,
    f.verdict,
    f.direction,
    f.reason,
    f.dropReason,
    f.src.namespace,
    f.src.pod,
    side(f.src),
    f.src.ip,
    f.dst.namespace,
    f.dst.pod,
    side(f.dst),
    f.dst.ip,
    f.dst.dnsNames.join(' '),
    f.protocol,
    f.port,
    f.policies.map((p) => (p.namespace ? `${p.namespace}/${p.name}` : p.name)).join(' '),
    f.flows,
    f.packets,
    f.bytes,
    f.sampleWeight,
    f.source,
  ]);
}

/**
 * Streams the filtered raw events as CSV (formula-injection safe) or NDJSON, page by page, so
 * that an export of many rows never sits in memory at once.
 */
export async function* exportFlows(
  deps: DashboardDeps,
  q: ExportQuery,
  scope?: AccessScope,
): AsyncGenerator<string> {
  if (q.format === 'csv') yield csvLine(CSV_COLUMNS);
  const filter = scopedFilter(toFlowFilter(q), scope);
  if (!filter) return;
  let left = q.limit;
  let cursor: string | null = null;
  // In the explorer's time slices, so that a search over a long window holds a read worker one
  // slice at a time, and a download the client gave up on stops after the slice in progress.
  const budgetMs = deps.flowSearchMs ?? CONFIG_DEFAULTS.server.flowSearchMs;
  const top = deps.now();
  while (left > 0) {
    const page = await searchFlows(
      deps.store,
      filter,
      { limit: Math.min(left, 5000), cursor },
      budgetMs,
      { top },
    );
    let chunk = '';
    for (const f of page.flows) {
      const row = toFlowRow(f);
      chunk += q.format === 'csv' ? csvRow(row) : `${JSON.stringify(row)}\n`;
    }
    if (chunk) yield chunk;
    left -= page.flows.length;
    cursor = page.next;
    if (!cursor) break;
  }
}
