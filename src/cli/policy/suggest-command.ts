/**
 * `netsec policy suggest`: the smallest NetworkPolicy change that allows one connection, as
 * YAML for `kubectl apply`, with its blast radius.
 *
 * Exit codes: 0 a change was suggested (or the flow is already allowed); 1 usage error,
 * unknown endpoint, or no stable labels to select a workload by.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';

import { parseFlow, suggestChange, type Suggestion } from '../../domain/netpol/index.js';
import { parseFormat } from './connlist-command.js';
import { connectionJson } from './connlist-render.js';
import { connectionLines } from './diff-render.js';
import {
  EXIT_OK,
  loadAndReport,
  parseBoolFlag,
  runPolicyAction,
  safe,
  UsageError,
} from './policy-io.js';

const FORMATS = ['yaml', 'json'] as const;

interface SuggestFlags {
  manifests: string[];
  flow: string;
  output: string;
  ipBlockMatchesPods: string;
}

/** YAML comment lines; `safe` turns line breaks into escapes so nothing leaves the comment. */
export function comment(lines: readonly string[]): string {
  return lines.map((l) => `# ${safe(l)}`.trimEnd()).join('\n');
}

export function yamlDocuments(docs: readonly object[]): string {
  return docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join('');
}

function flowText(s: Suggestion): string {
  return `${s.flow.from} -> ${s.flow.to} ${s.flow.port}/${s.flow.protocol}`;
}

export function renderSuggestionYaml(s: Suggestion): string {
  if (s.alreadyAllowed)
    return `${comment([`${flowText(s)} is already allowed; nothing to change.`])}\n`;
  const head = [
    `netsec policy suggest: ${flowText(s)}`,
    ...s.changes.map((c) => `${c.direction}: ${c.action} ${c.policy}: ${c.reason}`),
    ...s.notes.map((n) => `note: ${n}`),
    s.blastRadius.length === 0
      ? 'Blast radius: none; the change allows no other connection.'
      : `Blast radius: ${s.blastRadius.length} other connection(s) this change also allows:`,
    ...connectionLines(s.blastRadius, '+', '  '),
    ...(s.alsoDenies.length > 0
      ? ['The change also cuts (a new policy isolates pods that were open):']
      : []),
    ...connectionLines(s.alsoDenies, '-', '  '),
    s.verified
      ? 'Verified: the requested connection is allowed after the change.'
      : 'WARNING: the requested connection is still denied after the change.',
  ];
  return `${comment(head)}\n${yamlDocuments(s.changes.map((c) => c.manifest))}`;
}

export function suggestionJson(s: Suggestion): Record<string, unknown> {
  return {
    flow: s.flow,
    alreadyAllowed: s.alreadyAllowed,
    verified: s.verified,
    changes: s.changes,
    blastRadius: s.blastRadius.map(connectionJson),
    alsoDenies: s.alsoDenies.map(connectionJson),
    notes: s.notes,
  };
}

async function runSuggest(flags: SuggestFlags): Promise<number> {
  const format = parseFormat(flags.output, FORMATS);
  const ipBlockMatchesPods = parseBoolFlag('--ip-block-matches-pods', flags.ipBlockMatchesPods);
  const parsed = parseFlow(flags.flow);
  if ('error' in parsed) throw new UsageError(`--flow: ${parsed.error}`);
  const { model } = await loadAndReport('suggest', flags.manifests);
  const s = suggestChange(model, parsed.flow, { ipBlockMatchesPods });
  process.stdout.write(
    format === 'json' ? `${JSON.stringify(suggestionJson(s), null, 2)}\n` : renderSuggestionYaml(s),
  );
  return EXIT_OK;
}

export function registerSuggestCommand(policy: Command): void {
  policy
    .command('suggest')
    .description('Suggest the smallest NetworkPolicy change that allows one connection')
    .requiredOption('--manifests <paths...>', 'manifest files or directories (YAML, JSON, List)')
    .requiredOption(
      '--flow <flow>',
      '"<from> -> <to> <port>/<proto>"; from/to: ns/pod, ns/workload or IP/CIDR',
    )
    .option('--output <format>', `output format: ${FORMATS.join(', ')}`, 'yaml')
    .option(
      '--ip-block-matches-pods <bool>',
      'an ipBlock containing a pod IP matches that pod',
      'true',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 suggested (or already allowed); 1 usage error or unknown endpoint.',
    )
    .action((flags: SuggestFlags) => runPolicyAction('suggest', () => runSuggest(flags)));
}
