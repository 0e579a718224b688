/**
 * `netsec` entry point. Each area registers its own commands; this file only wires them.
 */
import { Command, CommanderError } from 'commander';

import { registerAuditCommand } from './audit-command.js';
import { registerCollectCommand } from './collect-command.js';
import { registerDemoCommands } from './demo-commands.js';
import { registerDetectCommand } from './detect-command.js';
import { registerFlowCommands } from './flow-commands.js';
import { registerPolicyCommands } from './policy/register.js';
import { registerReportCommand } from './report-command.js';
import { registerUsersCommand } from './users-command.js';

export function buildProgram(): Command {
  const program = new Command('netsec')
    .description('Network security dashboard: audit Kubernetes NetworkPolicy traffic')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerFlowCommands(program);
  registerPolicyCommands(program);
  registerDemoCommands(program);
  registerUsersCommand(program);
  registerAuditCommand(program);
  registerDetectCommand(program);
  registerCollectCommand(program);
  registerReportCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}
