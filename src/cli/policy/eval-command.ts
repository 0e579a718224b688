/**
 * `netsec policy eval`: NDJSON probes in, one JSON line per probe out (DESIGN.md §9), or a
 * single readable answer with `--from/--to/--port/--protocol`.
 *
 * Exit codes: 0 every probe answered; 1 usage error or unreadable probe input;
 * 2 finished, but some probe lines carry an `error`. Manifest problems go to stderr and do
 * not change the exit code.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import type { Command } from 'commander';

import type { ClusterModel, EvalOptions } from '../../domain/netpol/index.js';
import { answerProbeLine, evaluateProbe, parseProbe } from '../../services/policy-eval-service.js';
import { renderExplanation } from './eval-text.js';
import {
  EXIT_FATAL,
  EXIT_OK,
  EXIT_REJECTED,
  LineWriter,
  loadAndReport,
  parseBoolFlag,
  safe,
  UsageError,
} from './policy-io.js';

interface EvalFlags {
  manifests: string[];
  probes?: string;
  from?: string;
  to?: string;
  port?: string;
  protocol: string;
  ipBlockMatchesPods: string;
}

async function answerProbes(
  model: ClusterModel,
  source: string,
  options: EvalOptions,
): Promise<number> {
  const input = source === '-' ? process.stdin : createReadStream(source, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    if (source === '-') resolve();
    else input.once('open', () => resolve()).once('error', reject);
  });
  await opened;
  const writer = new LineWriter();
  let rejected = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const answer = answerProbeLine(model, line, options);
    if (answer === null) continue;
    if ('error' in answer) rejected++;
    await writer.write(JSON.stringify(answer));
  }
  await writer.flush();
  return rejected > 0 ? EXIT_REJECTED : EXIT_OK;
}

function answerOne(model: ClusterModel, flags: EvalFlags, options: EvalOptions): number {
  const parsed = parseProbe({
    from: flags.from,
    to: flags.to,
    protocol: flags.protocol,
    port: flags.port,
  });
  if ('error' in parsed) throw new UsageError(parsed.error.replace(/"(\w+)"/, '--$1'));
  const result = evaluateProbe(model, parsed.probe, options);
  if ('error' in result) {
    process.stderr.write(`netsec policy eval: ${safe(result.error)}\n`);
    return EXIT_REJECTED;
  }
  process.stdout.write(`${renderExplanation(parsed.probe, result)}\n`);
  return EXIT_OK;
}

async function runEval(flags: EvalFlags): Promise<number> {
  const options = {
    ipBlockMatchesPods: parseBoolFlag('--ip-block-matches-pods', flags.ipBlockMatchesPods),
  };
  const oneOff = flags.from !== undefined || flags.to !== undefined;
  if (oneOff === (flags.probes !== undefined))
    throw new UsageError('give either --probes <ndjson|-> or --from <x> --to <y> --port <n>');
  if (oneOff && (flags.from === undefined || flags.to === undefined || flags.port === undefined))
    throw new UsageError('--from, --to and --port go together');
  const { model } = await loadAndReport('eval', flags.manifests);
  return oneOff ? answerOne(model, flags, options) : answerProbes(model, flags.probes!, options);
}

export function registerEvalCommand(policy: Command): void {
  policy
    .command('eval')
    .description('Evaluate connections against the NetworkPolicies in manifests, with explanations')
    .requiredOption('--manifests <paths...>', 'manifest files or directories (YAML, JSON, List)')
    .option(
      '--probes <file>',
      'NDJSON probes, one {"from","to","protocol","port"} per line; - for stdin',
    )
    .option('--from <endpoint>', 'one-off: source "<ns>/<pod>" or IP')
    .option('--to <endpoint>', 'one-off: destination "<ns>/<pod>" or IP')
    .option('--port <n>', 'one-off: destination port')
    .option('--protocol <p>', 'one-off: TCP, UDP or SCTP', 'TCP')
    .option(
      '--ip-block-matches-pods <bool>',
      'an ipBlock containing a pod IP matches that pod',
      'true',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 all probes answered; 1 usage error or unreadable input; 2 some probes rejected.',
    )
    .action(async (flags: EvalFlags) => {
      try {
        process.exitCode = await runEval(flags);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`netsec policy eval: ${safe(message)}\n`);
        process.exitCode = EXIT_FATAL;
      }
    });
}
