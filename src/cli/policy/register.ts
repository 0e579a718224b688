import type { Command } from 'commander';

import { registerConnlistCommand } from './connlist-command.js';
import { registerDiffCommand } from './diff-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerLintCommand } from './lint-command.js';
import { registerQuarantineCommand } from './quarantine-command.js';
import { registerSuggestCommand } from './suggest-command.js';

/**
 * Registers `netsec policy …`. Each subcommand lives in its own file and registers itself on
 * the `policy` command returned here.
 */
export function registerPolicyCommands(program: Command): Command {
  const policy = program
    .command('policy')
    .description('Evaluate, explain and review Kubernetes NetworkPolicies from manifests');
  registerEvalCommand(policy);
  registerConnlistCommand(policy);
  registerDiffCommand(policy);
  registerLintCommand(policy);
  registerSuggestCommand(policy);
  registerQuarantineCommand(policy);
  return policy;
}
