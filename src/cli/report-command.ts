/**
 * `netsec report <daily|monthly|annual>` issues a report (HTML, PDF, JSON, or CSV appendices)
 * and records its SHA-256 in the audit log; `netsec report verify <file>` checks one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

import type { Command } from 'commander';

import { REPORT_FORMATS, REPORT_KINDS } from '../api/report-schema.js';
import type { ReportFormat, ReportKind } from '../domain/compliance/period.js';
import { issueReport, verifyReport } from '../services/reports/report-issue.js';
import {
  configFromFlags,
  DB_FLAG,
  EXIT_FATAL,
  fatal,
  out,
  STORE_FLAG,
  type StoreFlags,
  withServices,
} from './cli-context.js';
import { escapeTerminal } from './terminal-escape.js';

interface ReportFlags extends StoreFlags {
  period: string;
  format: string;
  out: string;
  cluster?: string;
  namespace?: string[];
  conclusions?: string;
  signedBy?: string;
}

function issuerName(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

const collect = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v.split(',').filter(Boolean),
];

function storeOptions(c: Command): Command {
  return c
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--config <file>', 'YAML configuration file');
}

async function issue(kind: ReportKind, opts: ReportFlags): Promise<void> {
  if (!(REPORT_FORMATS as readonly string[]).includes(opts.format))
    throw new Error(
      `bad --format ${JSON.stringify(opts.format)}: expected one of ${REPORT_FORMATS.join(', ')}`,
    );
  const format = opts.format as ReportFormat;
  const conclusions =
    opts.conclusions === undefined ? null : readFileSync(opts.conclusions, 'utf8');
  const tty = process.stderr.isTTY;
  const config = configFromFlags(opts);
  await withServices(config, async (s) => {
    const docs = await issueReport(s.governance, {
      kind,
      period: opts.period,
      format,
      cluster: opts.cluster ?? null,
      namespaces: opts.namespace ?? null,
      conclusions,
      signedBy: opts.signedBy ?? null,
      issuer: { name: issuerName(), namespaces: null },
      ...(tty
        ? { progress: (step: string) => process.stderr.write(`netsec report: ${step}…\n`) }
        : {}),
    });
    if (format === 'csv') {
      mkdirSync(opts.out, { recursive: true });
      for (const d of docs) writeFileSync(join(opts.out, d.record.fileName), d.content);
    } else writeFileSync(opts.out, docs[0]!.content);
    for (const d of docs)
      await out(
        `${d.record.sha256}  ${escapeTerminal(format === 'csv' ? join(opts.out, d.record.fileName) : opts.out)}\n`,
      );
    if (tty)
      process.stderr.write(
        `netsec report: issued ${docs.length} file(s); SHA-256 recorded in the audit log (report.issue)\n`,
      );
  });
}

export function registerReportCommand(program: Command): void {
  const report = program
    .command('report')
    .description('compliance reports: daily review, monthly summary, annual evaluation; verify');
  for (const kind of REPORT_KINDS) {
    const form = kind === 'daily' ? '2026-11-25' : kind === 'monthly' ? '2026-11' : '2026';
    storeOptions(
      report
        .command(kind)
        .description(`issue the ${kind} report; its SHA-256 goes into the audit log`)
        .requiredOption('--period <period>', `the ${kind} period, e.g. ${form}`)
        .requiredOption('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`)
        .requiredOption('--out <file>', 'output file (a directory for csv: one file per table)')
        .option('--cluster <name>', 'limit to one cluster')
        .option('--namespace <ns>', 'limit to namespaces (repeat or comma separate)', collect)
        .option('--conclusions <file>', "text file with the reviewer's conclusions and actions")
        .option('--signed-by <name>', 'name printed as the reviewer who signs the report'),
    ).action(async (opts: ReportFlags) => {
      try {
        await issue(kind, opts);
      } catch (err) {
        fatal(`report ${kind}`, err);
      }
    });
  }
  storeOptions(
    report
      .command('verify')
      .description(
        'check that a file is a report issued here, unmodified, with an intact audit chain',
      )
      .argument('<file>', 'the report file')
      .option('--json', 'print JSON'),
  ).action(async (file: string, opts: StoreFlags & { json?: boolean }) => {
    try {
      const content = new Uint8Array(readFileSync(file));
      const config = configFromFlags(opts);
      await withServices(config, async (s) => {
        const v = await verifyReport(s.governance, content);
        if (opts.json) await out(`${JSON.stringify(v)}\n`);
        else if (v.verified) {
          const r = v.reports[0]!;
          await out(
            escapeTerminal(
              `verified: ${r.kind} report for ${r.period} (${r.format}), issued by ${r.issuedBy} at ${new Date(r.issuedAt).toISOString()}, sha256 ${v.sha256}; audit chain intact (${v.auditChain.entries} entries)`,
            ) + '\n',
          );
        } else
          await out(
            `NOT VERIFIED: ${escapeTerminal(v.reason ?? 'unknown')} (sha256 ${v.sha256})\n`,
          );
        if (!v.verified) process.exitCode = EXIT_FATAL;
      });
    } catch (err) {
      fatal('report verify', err);
    }
  });
}
