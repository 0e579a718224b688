import type { Command } from 'commander';

/** Registers `netsec policy …`. Owned by the policy-engine work. */
export function registerPolicyCommands(_program: Command): void {}
