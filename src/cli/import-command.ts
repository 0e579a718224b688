/**
 * `netsec import --format <f> <file>...`: streams files (gzip too) into the store.
 * Exit codes: 0 every record accepted, 2 some rejected, 1 fatal.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';

import { type Command, Option } from 'commander';

import { namedCidrsFor } from '../services/config.js';
import { loadEnricher } from '../services/enrichment.js';
import {
  addCounts,
  emptyCounts,
  INGEST_FORMATS,
  type IngestError,
  type IngestFormat,
} from '../services/ingest.js';
import { openLines } from '../services/line-reader.js';
import {
  configFromFlags,
  DB_FLAG,
  EXIT_OK,
  EXIT_REJECTED,
  fatal,
  out,
  STORE_FLAG,
  type StoreFlags,
  withServices,
} from './cli-context.js';
import { type ImportSummary, renderImportSummary } from './import-summary.js';
import { startProgress } from './progress.js';
import { escapeTerminal } from './terminal-escape.js';

interface ImportFlags extends StoreFlags {
  format: IngestFormat;
  cluster?: string;
  rejects?: string;
  json?: boolean;
  batchSize?: string;
  manifests?: string[];
}

/** Flows per import transaction: big enough that rollup cells of neighbouring batches merge. */
const IMPORT_GROUP_FLOWS = 10_000;

async function runImport(files: string[], opts: ImportFlags): Promise<void> {
  const config = configFromFlags(opts, {
    'ingest.defaultCluster': opts.cluster ? { flag: '--cluster', value: opts.cluster } : undefined,
    'ingest.batchSize': opts.batchSize
      ? { flag: '--batch-size', value: opts.batchSize }
      : undefined,
    'ingest.manifests': opts.manifests ? { flag: '--manifests', value: opts.manifests } : undefined,
  });
  for (const f of files) if (f !== '-' && !existsSync(f)) throw new Error(`${f}: no such file`);
  const cluster = config.ingest.defaultCluster;
  const enrichment = await loadEnricher(config);
  for (const w of enrichment?.warnings ?? []) {
    process.stderr.write(`netsec import: manifests: ${escapeTerminal(w)}\n`);
  }
  const rejectsFd = opts.rejects ? openSync(opts.rejects, 'w') : null;
  const inputs = files.map((f) => ({ name: f, input: openLines(f) }));
  const totalBytes = inputs.reduce((n, i) => n + (i.input.size ?? 0), 0);
  const counts = emptyCounts();
  const errors: IngestError[] = [];
  const started = performance.now();
  const progress = process.stderr.isTTY ? startProgress(totalBytes) : null;

  try {
    await withServices(
      config,
      async (services) => {
        let doneBytes = 0;
        for (const { name, input } of inputs) {
          const result = await services.ingest.ingestLines(input.chunks, {
            format: opts.format,
            cluster,
            namedCidrs: namedCidrsFor(config, cluster),
            batchSize: config.ingest.batchSize,
            groupFlows: Math.max(IMPORT_GROUP_FLOWS, config.ingest.batchSize),
            input: name,
            maxErrors: 20,
            ...(rejectsFd !== null
              ? {
                  onReject: (line, error) => {
                    const rec = { input: name, ...error, text: line };
                    writeSync(rejectsFd, `${JSON.stringify(rec)}\n`);
                  },
                }
              : {}),
            onProgress: (c) =>
              progress?.update(doneBytes + input.bytesRead(), counts.flows + c.flows, started),
          });
          doneBytes += input.size ?? 0;
          addCounts(counts, result.counts);
          errors.push(...result.errors.slice(0, Math.max(0, 20 - errors.length)));
        }
      },
      // Acknowledged by the summary, printed after the store is closed (and so on disk).
      // One reader: commits go straight to the store, without a group-commit window.
      {
        durability: 'close',
        groupCommit: false,
        ...(enrichment ? { enricher: enrichment.enricher } : {}),
      },
    );
  } finally {
    progress?.stop();
    if (rejectsFd !== null) closeSync(rejectsFd);
  }

  const seconds = (performance.now() - started) / 1000;
  const summary: ImportSummary = {
    format: opts.format,
    cluster,
    files,
    ...counts,
    errors,
    seconds: Math.round(seconds * 1000) / 1000,
    flowsPerSec: seconds > 0 ? Math.round(counts.flows / seconds) : counts.flows,
    linesPerSec: seconds > 0 ? Math.round(counts.read / seconds) : counts.read,
  };
  await out(opts.json ? `${JSON.stringify(summary)}\n` : renderImportSummary(summary));
  process.exitCode = counts.rejected > 0 ? EXIT_REJECTED : EXIT_OK;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import flow records from files (gzip too) into the store')
    .addOption(
      new Option('--format <format>', 'wire format of the files')
        .choices(INGEST_FORMATS)
        .makeOptionMandatory(),
    )
    .argument('<file...>', 'files to read; - reads standard input')
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--config <file>', 'YAML configuration file')
    .option('--cluster <name>', 'cluster name for records that do not name one')
    .option('--rejects <file>', 'write every rejected line with its error to this file (NDJSON)')
    .option('--json', 'print the summary as one JSON object')
    .option(
      '--manifests <paths...>',
      'Kubernetes manifests (files or directories): fill in pods, workloads and labels the records lack',
    )
    .addOption(new Option('--batch-size <n>', 'flows per committed batch').hideHelp())
    .addHelpText(
      'after',
      '\nPut --manifests after the files (it takes every path that follows it).\nExit codes: 0 every record accepted, 2 some records rejected, 1 fatal error.',
    )
    .action(async (files: string[], opts: ImportFlags) => {
      try {
        await runImport(files, opts);
      } catch (err) {
        fatal('import', err);
      }
    });
}
