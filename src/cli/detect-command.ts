/**
 * `netsec detect --db <path> --from <t> --to <t> [--json]`: runs the detectors over a time
 * range on demand, stores the findings (re-runs update them, never duplicate) and prints them.
 */
import { readFileSync } from 'node:fs';

import type { Command } from 'commander';

import { parseTimeSpec } from '../api/query-schema.js';
import type { Finding } from '../domain/detect/finding.js';
import { type DetectOptionsInput, resolveDetectOptions } from '../domain/detect/options.js';
import { readOneYamlDocument } from '../formats/yaml-documents.js';
import { detectRange } from '../services/detection.js';
import { findingStoreFor } from '../services/detection-store.js';
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
import { escapeJsonForTerminal, escapeTerminal } from './terminal-escape.js';

interface DetectFlags extends StoreFlags {
  from?: string;
  to?: string;
  json?: boolean;
  store?: string;
  save?: boolean;
  options?: string;
}

const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

function evidenceText(f: Finding): string {
  const e = f.evidence;
  const parts = [`observed ${e.observed} ${e.unit}`];
  if (e.usual !== null) parts.push(`usual ${e.usual}`);
  if (e.distinctPorts !== null) parts.push(`${e.distinctPorts} ports`);
  if (e.distinctHosts !== null) parts.push(`${e.distinctHosts} hosts`);
  if (e.ratePerMin !== null) parts.push(`${e.ratePerMin}/min`);
  return parts.join(', ');
}

/** People's view: one header line per finding, then its explanation; every name escaped. */
export function findingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings in this range\n';
  const lines: string[] = [];
  for (const f of findings) {
    const s = f.subject;
    const who = `${s.namespace ?? '-'}/${s.workload ?? '-'}${s.peer ? ` ↔ ${s.peer}` : ''}`;
    lines.push(
      escapeTerminal(
        `${f.severity.toUpperCase().padEnd(8)} ${f.type.padEnd(16)} ${iso(f.start)} – ${iso(f.end)}  ${f.status.padEnd(6)} conf ${f.confidence.toFixed(2)}  ${s.cluster}: ${who}`,
      ),
      `    ${escapeTerminal(evidenceText(f))}  [id ${f.id}]`,
      `    ${escapeTerminal(f.explanation)}`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

function loadOptions(path: string | undefined): DetectOptionsInput {
  if (path === undefined) return {};
  const { value: parsed, problems } = readOneYamlDocument(readFileSync(path, 'utf8'));
  if (problems.length > 0) throw new Error(problems.map((p) => `${path}: ${p}`).join('\n'));
  if (parsed === null || typeof parsed !== 'object')
    throw new Error(`${path}: expected an object of detection options`);
  return parsed as DetectOptionsInput;
}

/** Denied raw events one `netsec detect` run holds (about 2 KB each: 1 GB at most). */
const CLI_MAX_DENIED_EVENTS = 500_000;

async function runDetect(opts: DetectFlags): Promise<void> {
  const now = Date.now();
  const from = parseTimeSpec(opts.from ?? '-24h', now);
  const to = parseTimeSpec(opts.to ?? 'now', now);
  if (from === null || to === null)
    throw new Error('--from and --to take ISO 8601, epoch ms, now, or -2h');
  if (to <= from) throw new Error('--to must be after --from');
  const options = resolveDetectOptions(loadOptions(opts.options));
  const config = configFromFlags(opts);
  const result = await withServices(config, async ({ store }) => {
    const findings = findingStoreFor(store);
    return detectRange(
      { store, findings, options },
      { from, to },
      // A one-off run over a day or more may hold more than the server's incremental runs.
      { persist: opts.save !== false, now, maxDeniedEvents: CLI_MAX_DENIED_EVENTS },
    );
  });
  const list = result.findings.filter((f) => f.start < to && f.end > from);
  if (opts.json) {
    const text = JSON.stringify({
      from,
      to,
      findings: list,
      deniedEvents: result.deniedEvents,
      truncated: result.truncated,
      series: result.series,
    });
    await out(`${escapeJsonForTerminal(text)}\n`);
  } else {
    await out(findingsTable(list));
    if (result.truncated) {
      process.stderr.write(
        `warning: more than ${CLI_MAX_DENIED_EVENTS} denied events in the range; only the newest were examined. Run over shorter ranges.\n`,
      );
    }
    process.stderr.write(
      `${list.length} finding(s) from ${iso(from)} to ${iso(to)}; ${result.deniedEvents} denied events, ${result.series} allowed-traffic series, ${(result.elapsedMs / 1000).toFixed(1)} s\n`,
    );
  }
}

export function registerDetectCommand(program: Command): void {
  program
    .command('detect')
    .description('run the detectors over a time range, store and print the findings')
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--config <file>', 'YAML configuration file')
    .option('--from <time>', 'start: ISO 8601, epoch ms, now, or relative like -2h (default -24h)')
    .option('--to <time>', 'end (exclusive), same forms as --from (default now)')
    .option('--json', 'one JSON document: {from, to, findings: [...]}')
    .option('--options <file>', 'detection thresholds (YAML or JSON; see docs/detection.md)')
    .option('--no-save', 'compute and print only; leave the stored findings alone')
    .action(async (opts: DetectFlags) => {
      quietOnClosedPipe();
      try {
        await runDetect(opts);
      } catch (err) {
        fatal('detect', err);
      }
    });
}
