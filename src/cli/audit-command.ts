/** `netsec audit verify`: checks the audit log's hash chain; exit 1 names the first bad entry. */
import type { Command } from 'commander';

import { verifyAuditFile, verifyAuditPostgres } from '../services/audit/verify-file.js';
import {
  configFromFlags,
  DB_FLAG,
  EXIT_FATAL,
  fatal,
  out,
  STORE_FLAG,
  type StoreFlags,
} from './cli-context.js';

interface AuditFlags extends StoreFlags {
  json?: boolean;
  expectHead?: string;
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('verify the chain: detects edited, deleted and reordered entries (read-only)')
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--config <file>', 'YAML configuration file')
    .option('--expect-head <hash>', 'also require this head hash (recorded earlier, elsewhere)')
    .option('--json', 'print JSON')
    .action(async (opts: AuditFlags) => {
      try {
        const config = configFromFlags(opts);
        const r = config.store.url
          ? await verifyAuditPostgres(config.store.url)
          : await verifyAuditFile(config.store.path);
        const headOk = opts.expectHead === undefined || opts.expectHead === r.head;
        if (opts.json) await out(`${JSON.stringify({ ...r, headMatches: headOk })}\n`);
        else if (r.ok && headOk)
          await out(`audit log intact: ${r.entries} entries, head ${r.head}\n`);
        else if (!r.ok)
          await out(
            `audit log TAMPERED: first bad entry #${r.firstBad?.seq}: ${r.firstBad?.reason} ` +
              `(${r.entries} entries verified before it)\n`,
          );
        else await out(`audit log head ${r.head} differs from the expected ${opts.expectHead}\n`);
        if (!r.ok || !headOk) process.exitCode = EXIT_FATAL;
      } catch (err) {
        fatal('audit verify', err);
      }
    });
}
