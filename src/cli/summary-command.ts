/** `netsec summary`: allowed, denied and audit counters per namespace and direction, from rollups. */
import type { Command } from 'commander';

import {
  type CounterSum,
  describeQueryIssues,
  SummaryQuerySchema,
  type SummaryReply,
} from '../api/query-schema.js';
import {
  configFromFlags,
  DB_FLAG,
  fatal,
  out,
  STORE_FLAG,
  type StoreFlags,
  withServices,
} from './cli-context.js';
import { renderTable } from './flow-output.js';

interface SummaryFlags extends StoreFlags {
  since?: string;
  from?: string;
  to?: string;
  namespace?: string;
  cluster?: string;
  json?: boolean;
}

/** `n/r` for a counter the sources did not report; `*` marks a sum only some sources contributed to. */
function cell(c: CounterSum): string {
  if (c.value === null) return 'n/r';
  return `${c.value.toLocaleString('en-US')}${c.partial ? '*' : ''}`;
}

export function renderSummary(s: SummaryReply): string {
  const rows = s.rows.map((r) => [
    r.namespace ?? '(none)',
    r.direction,
    cell(r.allowed.flows),
    cell(r.denied.flows),
    cell(r.audit.flows),
    cell(r.allowed.packets),
    cell(r.denied.packets),
    cell(r.allowed.bytes),
    cell(r.denied.bytes),
  ]);
  const head = `From ${new Date(s.from).toISOString()} to ${new Date(s.to).toISOString()} (${s.resolution} rollups). Namespace: the side whose policy decided.\n\n`;
  if (rows.length === 0) return `${head}No traffic recorded in this range.\n`;
  const table = renderTable(
    [
      'NAMESPACE',
      'DIRECTION',
      'ALLOWED FLOWS',
      'DENIED FLOWS',
      'AUDIT FLOWS',
      'ALLOWED PKTS',
      'DENIED PKTS',
      'ALLOWED BYTES',
      'DENIED BYTES',
    ],
    rows,
  );
  const notes = [
    '\nn/r: not reported by the sources of this traffic; *: some sources did not report it.',
  ];
  for (const n of s.notReported)
    notes.push(`  ${n.source} does not report ${n.counters.join(', ')}.`);
  return `${head}${table}${notes.join('\n')}\n`;
}

async function runSummary(opts: SummaryFlags): Promise<void> {
  const raw: Record<string, string> = {};
  for (const k of ['since', 'from', 'to', 'namespace', 'cluster'] as const) {
    if (opts[k] !== undefined) raw[k] = opts[k] as string;
  }
  if (!raw.since && !raw.from && !raw.to) raw.since = '24h';
  const q = SummaryQuerySchema.safeParse(raw);
  if (!q.success)
    throw new Error(
      describeQueryIssues(q.error.issues)
        .map((m) => `--${m}`)
        .join('; '),
    );
  await withServices(configFromFlags(opts), async ({ query }) => {
    const s = await query.summary(q.data);
    await out(opts.json ? `${JSON.stringify(s)}\n` : renderSummary(s));
  });
}

export function registerSummaryCommand(program: Command): void {
  program
    .command('summary')
    .description('allowed and denied traffic per namespace and direction')
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--config <file>', 'YAML configuration file')
    .option('--since <duration>', 'the last duration (default 24h)')
    .option('--from <time>', 'start: ISO 8601, epoch ms, now, or relative like -2h')
    .option('--to <time>', 'end (exclusive)')
    .option('--namespace <list>', 'only these namespaces (comma-separated)')
    .option('--cluster <list>', 'only these clusters')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: SummaryFlags) => {
      try {
        await runSummary(opts);
      } catch (err) {
        fatal('summary', err);
      }
    });
}
