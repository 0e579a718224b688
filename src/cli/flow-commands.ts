import type { Command } from 'commander';

/** Registers serve, import, flows, summary and tokens. Owned by the flow-pipeline work. */
export function registerFlowCommands(_program: Command): void {}
