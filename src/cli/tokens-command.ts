/** `netsec tokens create|list|revoke`: bearer tokens for collectors (ingest only). */
import type { Command } from 'commander';

import { configFromFlags, fatal, out, type StoreFlags, withServices } from './cli-context.js';
import { renderTable } from './flow-output.js';

interface TokenFlags extends StoreFlags {
  name?: string;
  cluster?: string;
  json?: boolean;
}

const iso = (t: number | null): string => (t === null ? '-' : new Date(t).toISOString());

function storeOptions(cmd: Command): Command {
  return cmd
    .option('--db <path>', 'SQLite database file (default ./data/netsec.db)')
    .option('--config <file>', 'YAML configuration file')
    .option('--json', 'print JSON');
}

export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('manage ingest tokens');

  storeOptions(tokens.command('create'))
    .description('create an ingest token; it is printed once and only its hash is kept')
    .requiredOption('--name <name>', 'what the token is for, e.g. the collector')
    .option('--cluster <name>', 'restrict the token to one cluster')
    .action(async (opts: TokenFlags) => {
      try {
        await withServices(configFromFlags(opts), async (s) => {
          const { token, record } = await s.tokens.create(
            opts.name as string,
            opts.cluster ?? null,
          );
          await out(
            opts.json
              ? `${JSON.stringify({ ...record, token })}\n`
              : `Token ${record.id} created. Copy it now; it cannot be shown again:\n\n  ${token}\n\n` +
                  `Use it as: Authorization: Bearer <token>\n`,
          );
        });
      } catch (err) {
        fatal('tokens create', err);
      }
    });

  storeOptions(tokens.command('list'))
    .description('list ingest tokens (never the secrets)')
    .action(async (opts: TokenFlags) => {
      try {
        await withServices(configFromFlags(opts), async (s) => {
          const list = await s.tokens.list();
          if (opts.json) return out(`${JSON.stringify(list)}\n`);
          const rows = list.map((t) => [
            t.id,
            t.name,
            t.cluster ?? '(any)',
            iso(t.createdAt),
            iso(t.lastUsedAt),
            t.revokedAt === null ? 'active' : `revoked ${iso(t.revokedAt)}`,
          ]);
          return out(
            rows.length === 0
              ? 'No tokens.\n'
              : renderTable(['ID', 'NAME', 'CLUSTER', 'CREATED', 'LAST USED', 'STATE'], rows),
          );
        });
      } catch (err) {
        fatal('tokens list', err);
      }
    });

  storeOptions(tokens.command('revoke'))
    .description('revoke an ingest token by id')
    .argument('<id>', 'token id from tokens list')
    .action(async (id: string, opts: TokenFlags) => {
      try {
        await withServices(configFromFlags(opts), async (s) => {
          if (!(await s.tokens.revoke(id))) throw new Error(`no active token with id ${id}`);
          await out(opts.json ? `${JSON.stringify({ revoked: id })}\n` : `Token ${id} revoked.\n`);
        });
      } catch (err) {
        fatal('tokens revoke', err);
      }
    });
}
