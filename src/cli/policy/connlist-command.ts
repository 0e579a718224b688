/**
 * `netsec policy connlist`: every allowed connection between workloads and external ranges.
 *
 * Exit codes: 0 listed (manifest errors, if any, on stderr); 1 usage error.
 */
import type { Command } from 'commander';

import { computeConnlist } from '../../domain/netpol/index.js';
import { CONNLIST_FORMATS, type ConnlistFormat, renderConnlist } from './connlist-render.js';
import { EXIT_OK, loadAndReport, parseBoolFlag, runPolicyAction, UsageError } from './policy-io.js';

interface ConnlistFlags {
  manifests: string[];
  output: string;
  ipBlockMatchesPods: string;
}

/** Validates an `--output` value against the formats a command offers. */
export function parseFormat<T extends string>(value: string, formats: readonly T[]): T {
  if (!(formats as readonly string[]).includes(value))
    throw new UsageError(
      `--output must be one of ${formats.join(', ')}, got ${JSON.stringify(value)}`,
    );
  return value as T;
}

async function runConnlist(flags: ConnlistFlags): Promise<number> {
  const format: ConnlistFormat = parseFormat(flags.output, CONNLIST_FORMATS);
  const ipBlockMatchesPods = parseBoolFlag('--ip-block-matches-pods', flags.ipBlockMatchesPods);
  const { model } = await loadAndReport('connlist', flags.manifests);
  process.stdout.write(renderConnlist(computeConnlist(model, { ipBlockMatchesPods }), format));
  return EXIT_OK;
}

export function registerConnlistCommand(policy: Command): void {
  policy
    .command('connlist')
    .description('List every allowed connection between workloads and external address ranges')
    .requiredOption('--manifests <paths...>', 'manifest files or directories (YAML, JSON, List)')
    .option('--output <format>', `output format: ${CONNLIST_FORMATS.join(', ')}`, 'txt')
    .option(
      '--ip-block-matches-pods <bool>',
      'an ipBlock containing a pod IP matches that pod',
      'true',
    )
    .addHelpText('after', '\nExit codes: 0 listed; 1 usage error.')
    .action((flags: ConnlistFlags) => runPolicyAction('connlist', () => runConnlist(flags)));
}
