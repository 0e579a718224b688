/**
 * `netsec policy lint`: gaps, dead selectors and overly broad rules, each with a fix.
 *
 * Exit codes: 0 no finding at or above --fail-on (default none: always 0); 1 usage error;
 * 3 some finding at or above --fail-on.
 */
import type { Command } from 'commander';

import {
  type Finding,
  hasFindingAtOrAbove,
  lintModel,
  SEVERITIES,
  type Severity,
} from '../../domain/netpol/index.js';
import { parseFormat } from './connlist-command.js';
import { EXIT_OK, loadAndReport, runPolicyAction, safe, UsageError } from './policy-io.js';

/** Some finding is at or above --fail-on. */
export const EXIT_FINDINGS = 3;
const FORMATS = ['text', 'json'] as const;

interface LintFlags {
  manifests: string[];
  output: string;
  failOn: string;
}

export function renderFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings\n';
  const lines = findings.flatMap((f) => [
    `${f.severity.toUpperCase().padEnd(6)} ${f.id} ${f.code} ${f.subject.kind} ${safe(f.subject.name)}: ${safe(f.message)}`,
    `       fix: ${safe(f.fix)}`,
  ]);
  const counts = SEVERITIES.map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`);
  return `${lines.join('\n')}\n${findings.length} finding(s): ${counts.join(', ')}\n`;
}

async function runLint(flags: LintFlags): Promise<number> {
  const format = parseFormat(flags.output, FORMATS);
  if (flags.failOn !== 'none' && !(SEVERITIES as readonly string[]).includes(flags.failOn))
    throw new UsageError(`--fail-on must be none, ${SEVERITIES.join(', ')}`);
  const { model } = await loadAndReport('lint', flags.manifests);
  const findings = lintModel(model);
  process.stdout.write(
    format === 'json' ? `${JSON.stringify({ findings }, null, 2)}\n` : renderFindings(findings),
  );
  return flags.failOn !== 'none' && hasFindingAtOrAbove(findings, flags.failOn as Severity)
    ? EXIT_FINDINGS
    : EXIT_OK;
}

export function registerLintCommand(policy: Command): void {
  policy
    .command('lint')
    .description('Find isolation gaps, dead selectors and overly broad NetworkPolicy rules')
    .requiredOption('--manifests <paths...>', 'manifest files or directories (YAML, JSON, List)')
    .option('--output <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option(
      '--fail-on <severity>',
      `exit 3 on a finding at or above: none, ${SEVERITIES.join(', ')}`,
      'none',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 no finding at or above --fail-on (default none: always 0); 1 usage error; 3 findings at or above --fail-on.',
    )
    .action((flags: LintFlags) => runPolicyAction('lint', () => runLint(flags)));
}
