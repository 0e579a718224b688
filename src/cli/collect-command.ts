/**
 * `netsec collect`: runs sources next to a cluster and forwards their batches to a central
 * dashboard, through a disk buffer that survives outages of the centre and restarts of the
 * collector. Status goes to stderr as one JSON line per interval.
 */
import { readFileSync } from 'node:fs';

import type { Command } from 'commander';

import { Collector } from '../services/collector.js';
import { createSources } from '../services/source-runner.js';
import { fatal } from './cli-context.js';
import { escapeTerminal } from './terminal-escape.js';

interface CollectFlags {
  source: string[];
  to: string;
  token?: string;
  tokenFile?: string;
  cluster?: string;
  bufferDir: string;
  bufferMax: string;
  bufferFull: string;
  statusInterval: string;
}

/** `512MB`, `2GB`, `64KB` or bytes. */
export function parseBytes(text: string): number {
  const m = /^(\d+)\s*(KB|MB|GB|K|M|G)?$/i.exec(text.trim());
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)}`);
  const unit = (m[2] ?? '').toUpperCase().replace(/B$/, '');
  const mult = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  const bytes = Number(m[1]) * mult;
  if (!Number.isSafeInteger(bytes)) throw new Error(`size too large: ${JSON.stringify(text)}`);
  return bytes;
}

function tokenOf(flags: CollectFlags): string {
  if (flags.tokenFile) return readFileSync(flags.tokenFile, 'utf8').trim();
  const t = flags.token ?? process.env['NETSEC_INGEST_TOKEN'];
  if (!t)
    throw new Error('an ingest token is required: --token, --token-file or NETSEC_INGEST_TOKEN');
  return t;
}

export function registerCollectCommand(program: Command): void {
  program
    .command('collect')
    .description('run sources next to a cluster and forward their flows to a central dashboard')
    .requiredOption('--source <specs...>', 'source specs (see docs/sources.md), one or more')
    .requiredOption('--to <url>', "the centre's ingest URL, e.g. https://dashboard/api/v1/ingest")
    .option('--token <token>', 'ingest token (prefer --token-file or NETSEC_INGEST_TOKEN)')
    .option('--token-file <file>', 'file holding the ingest token')
    .option('--cluster <name>', 'cluster name sent with each batch (default: the token’s)')
    .option('--buffer-dir <dir>', 'disk buffer and source offsets', './data/collector')
    .option('--buffer-max <size>', 'disk buffer bound (e.g. 512MB)', '256MB')
    .option('--buffer-full <policy>', 'when the buffer is full: block or drop-oldest', 'block')
    .option('--status-interval <seconds>', 'seconds between status lines on stderr (0: none)', '60')
    .action(async (flags: CollectFlags) => {
      try {
        const to = new URL(flags.to);
        if (to.protocol !== 'https:' && to.protocol !== 'http:')
          throw new Error('--to must be http(s)');
        if (flags.bufferFull !== 'block' && flags.bufferFull !== 'drop-oldest')
          throw new Error('--buffer-full must be block or drop-oldest');
        const sources = createSources(flags.source, {
          cluster: flags.cluster ?? 'default',
          stateDir: flags.bufferDir,
        });
        const collector = new Collector({
          sources,
          to: to.toString(),
          token: tokenOf(flags),
          ...(flags.cluster ? { cluster: flags.cluster } : {}),
          bufferDir: flags.bufferDir,
          maxBufferBytes: parseBytes(flags.bufferMax),
          bufferFull: flags.bufferFull,
        });
        const ac = new AbortController();
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
        const every = Number(flags.statusInterval) * 1000;
        const timer =
          every > 0
            ? setInterval(() => {
                process.stderr.write(`${escapeTerminal(JSON.stringify(collector.health()))}\n`);
              }, every)
            : null;
        process.stderr.write(
          `netsec collect: ${sources.length} source(s) → ${to.origin}${to.pathname}, buffer ${flags.bufferDir}\n`,
        );
        await collector.run(ac.signal);
        if (timer) clearInterval(timer);
        process.stderr.write(`${escapeTerminal(JSON.stringify(collector.health()))}\n`);
      } catch (err) {
        fatal('collect', err);
      }
    });
}
