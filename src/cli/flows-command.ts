/** `netsec flows`: raw events with filters, as a table, CSV or native NDJSON. */
import { type Command, Option } from 'commander';

import { describeQueryIssues, type FlowQuery, FlowQuerySchema } from '../api/query-schema.js';
import type { StoredFlow } from '../services/query.js';
import {
  configFromFlags,
  DB_FLAG,
  fatal,
  out,
  quietOnClosedPipe,
  STORE_FLAG,
  type StoreFlags,
  withServices,
} from './cli-context.js';
import { csvRow } from './csv.js';
import {
  CSV_HEADERS,
  flowCsvRow,
  flowTableCells,
  renderTable,
  TABLE_HEADERS,
} from './flow-output.js';
import { storedFlowLine } from './native-line.js';
import { startSearchProgress } from './progress.js';
import { escapeTerminal } from './terminal-escape.js';

interface FlowsFlags extends StoreFlags {
  since?: string;
  from?: string;
  to?: string;
  verdict?: string;
  namespace?: string;
  workload?: string;
  pod?: string;
  ip?: string;
  port?: string;
  protocol?: string;
  direction?: string;
  cluster?: string;
  policy?: string;
  output: 'table' | 'ndjson' | 'csv';
  limit?: string;
}

const FILTER_KEYS = [
  'since',
  'from',
  'to',
  'verdict',
  'namespace',
  'workload',
  'pod',
  'ip',
  'port',
  'protocol',
  'direction',
  'cluster',
  'policy',
] as const;

/** Validates the filter flags with the HTTP API's schema; messages name the flag. */
export function flowQueryFromFlags(opts: Partial<Record<string, string>>): FlowQuery {
  const raw: Record<string, string> = {};
  for (const k of FILTER_KEYS) if (opts[k] !== undefined) raw[k] = opts[k] as string;
  const r = FlowQuerySchema.safeParse(raw);
  if (!r.success) {
    throw new Error(
      describeQueryIssues(r.error.issues)
        .map((m) => `--${m}`)
        .join('; '),
    );
  }
  return r.data;
}

async function runFlows(opts: FlowsFlags): Promise<void> {
  const query = flowQueryFromFlags(opts as unknown as Record<string, string>);
  const defaultLimit = opts.output === 'table' ? 100 : Number.MAX_SAFE_INTEGER;
  const limit = opts.limit === undefined ? defaultLimit : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 0)
    throw new Error(`--limit: expected a whole number, got ${JSON.stringify(opts.limit)}`);
  const config = configFromFlags(opts);
  quietOnClosedPipe();
  // How far a slow search has come, on a terminal, when the rows do not go to the same one
  // (the table is printed at the end).
  const progress =
    process.stderr.isTTY && (opts.output === 'table' || !process.stdout.isTTY)
      ? startSearchProgress()
      : null;
  await withServices(config, async ({ query: q }) => {
    const flows = q.allFlows(
      query,
      limit === 0 ? Number.MAX_SAFE_INTEGER : limit,
      progress ? (p) => progress.update(p) : undefined,
    );
    try {
      await write(progress ? clearedAtEnd(flows, progress) : flows, opts.output);
    } finally {
      progress?.stop();
    }
  });
}

/** The rows, with the progress line gone once the last has come (before a table is printed). */
async function* clearedAtEnd(
  flows: AsyncGenerator<StoredFlow>,
  progress: { stop(): void },
): AsyncGenerator<StoredFlow> {
  try {
    yield* flows;
  } finally {
    progress.stop();
  }
}

/** Writes the rows in the chosen format as they come (the table once all are in). */
async function write(
  flows: AsyncGenerator<StoredFlow>,
  output: FlowsFlags['output'],
): Promise<void> {
  if (output === 'ndjson') {
    for await (const f of flows) await out(storedFlowLine(f));
  } else if (output === 'csv') {
    // CSV is for files; when it lands on a terminal, its cells are made inert as well.
    const tty = process.stdout.isTTY === true;
    await out(csvRow(CSV_HEADERS));
    for await (const f of flows) {
      const row = flowCsvRow(f);
      await out(tty ? `${escapeTerminal(row.slice(0, -2))}\r\n` : row);
    }
  } else {
    const rows: string[][] = [];
    for await (const f of flows) rows.push(flowTableCells(f));
    await out(rows.length === 0 ? 'No flows match.\n' : renderTable(TABLE_HEADERS, rows));
  }
}

export function registerFlowsCommand(program: Command): void {
  program
    .command('flows')
    .description('list stored flow events (denied and audit always, allowed sampled)')
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--config <file>', 'YAML configuration file')
    .option('--since <duration>', 'only the last duration, e.g. 1h, 24h, 7d')
    .option('--from <time>', 'start: ISO 8601, epoch ms, now, or relative like -2h')
    .option('--to <time>', 'end (exclusive), same forms as --from')
    .option('--verdict <list>', 'allowed, denied, audit (comma-separated)')
    .option('--namespace <list>', 'source or destination namespace (comma-separated)')
    .option('--workload <name>', 'source or destination workload')
    .option('--pod <name>', 'source or destination pod')
    .option('--ip <ip|cidr>', 'source or destination IP or CIDR')
    .option('--port <port>', 'destination port')
    .option('--protocol <list>', 'TCP, UDP, SCTP, ICMP, ICMPv6, other')
    .option('--direction <list>', 'ingress, egress, unknown')
    .option('--cluster <list>', 'cluster names')
    .option('--policy <ns/name>', 'a policy that allowed or denied the flow')
    .addOption(
      new Option('--output <format>', 'output format')
        .choices(['table', 'ndjson', 'csv'])
        .default('table'),
    )
    .option('--limit <n>', 'at most n flows (default 100 for table, all otherwise; 0 = all)')
    .action(async (opts: FlowsFlags) => {
      try {
        await runFlows(opts);
      } catch (err) {
        fatal('flows', err);
      }
    });
}
