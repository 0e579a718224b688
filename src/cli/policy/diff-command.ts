/**
 * `netsec policy diff`: connections added, removed and changed between two policy sets.
 *
 * Exit codes: 0 done (or, with --exit-code, no change); 1 usage error; 3 with --exit-code
 * when the allowed connections changed.
 */
import type { Command } from 'commander';

import { diffModels, isDiffEmpty } from '../../domain/netpol/index.js';
import { parseFormat } from './connlist-command.js';
import { DIFF_FORMATS, renderDiff } from './diff-render.js';
import { EXIT_OK, loadAndReport, parseBoolFlag, runPolicyAction } from './policy-io.js';

/** With --exit-code: the allowed connections changed. */
export const EXIT_CHANGED = 3;

interface DiffFlags {
  before: string[];
  after: string[];
  manifests?: string[];
  output: string;
  exitCode?: boolean;
  ipBlockMatchesPods: string;
}

async function runDiff(flags: DiffFlags): Promise<number> {
  const format = parseFormat(flags.output, DIFF_FORMATS);
  const ipBlockMatchesPods = parseBoolFlag('--ip-block-matches-pods', flags.ipBlockMatchesPods);
  const shared = flags.manifests ?? [];
  const before = await loadAndReport('diff', [...shared, ...flags.before]);
  const after = await loadAndReport('diff', [...shared, ...flags.after]);
  const d = diffModels(before.model, after.model, { ipBlockMatchesPods });
  process.stdout.write(renderDiff(d, format));
  return flags.exitCode === true && !isDiffEmpty(d) ? EXIT_CHANGED : EXIT_OK;
}

export function registerDiffCommand(policy: Command): void {
  policy
    .command('diff')
    .description('Connections added, removed and changed between two sets of policies')
    .requiredOption('--before <paths...>', 'manifests before the change (files or directories)')
    .requiredOption('--after <paths...>', 'manifests after the change (files or directories)')
    .option('--manifests <paths...>', 'manifests common to both sides (namespaces, workloads)')
    .option('--output <format>', `output format: ${DIFF_FORMATS.join(', ')}`, 'txt')
    .option('--exit-code', 'exit 3 when the allowed connections changed')
    .option(
      '--ip-block-matches-pods <bool>',
      'an ipBlock containing a pod IP matches that pod',
      'true',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 done (with --exit-code: no change); 1 usage error; 3 changed (with --exit-code).',
    )
    .action((flags: DiffFlags) => runPolicyAction('diff', () => runDiff(flags)));
}
