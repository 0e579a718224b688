import type { Command } from 'commander';

import { registerFlowsCommand } from './flows-command.js';
import { registerImportCommand } from './import-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerSummaryCommand } from './summary-command.js';
import { registerTokensCommand } from './tokens-command.js';

/** Registers serve, import, flows, summary and tokens. Owned by the flow-pipeline work. */
export function registerFlowCommands(program: Command): void {
  registerServeCommand(program);
  registerImportCommand(program);
  registerFlowsCommand(program);
  registerSummaryCommand(program);
  registerTokensCommand(program);
}
