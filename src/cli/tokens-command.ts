/**
 * `netsec tokens create|list|revoke`: bearer tokens for collectors (ingest), automation (read)
 * and Prometheus scrapes (metrics). Changes are written to the audit log.
 */
import type { Command } from 'commander';

import { TOKEN_KINDS, type TokenKind } from '../api/auth-schema.js';
import {
  configFromFlags,
  DB_FLAG,
  fatal,
  out,
  STORE_FLAG,
  type StoreFlags,
  withServices,
} from './cli-context.js';
import { renderTable } from './flow-output.js';
import { cliActor } from './users-command.js';

interface TokenFlags extends StoreFlags {
  name?: string;
  cluster?: string;
  kind?: string;
  namespace?: string[];
  json?: boolean;
}

function tokenKind(text: string | undefined): TokenKind {
  const k = text ?? 'ingest';
  if (!(TOKEN_KINDS as readonly string[]).includes(k))
    throw new Error(`--kind: expected one of ${TOKEN_KINDS.join(', ')}, got ${JSON.stringify(k)}`);
  return k as TokenKind;
}

const iso = (t: number | null): string => (t === null ? '-' : new Date(t).toISOString());

function storeOptions(cmd: Command): Command {
  return cmd
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--config <file>', 'YAML configuration file')
    .option('--json', 'print JSON');
}

export function registerTokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('manage API tokens');

  storeOptions(tokens.command('create'))
    .description('create a token; it is printed once and only its hash is kept')
    .requiredOption('--name <name>', 'what the token is for, e.g. the collector')
    .option(
      '--kind <kind>',
      'ingest (collectors), read (automation) or metrics (scrapes)',
      'ingest',
    )
    .option('--cluster <name>', 'restrict an ingest token to one cluster')
    .option(
      '--namespace <ns>',
      'restrict a read token to a namespace (repeat)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(async (opts: TokenFlags) => {
      try {
        const kind = tokenKind(opts.kind);
        await withServices(configFromFlags(opts), async (s) => {
          const { token, record } = await s.tokens.create(
            opts.name as string,
            opts.cluster ?? null,
            { kind, namespaces: opts.namespace ?? null },
          );
          await s.auth.audit.record({
            actor: cliActor(),
            action: 'token.create',
            target: record.id,
            details: {
              name: record.name,
              kind,
              cluster: record.cluster,
              namespaces: record.namespaces,
            },
          });
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
            t.kind,
            t.cluster ?? '(any)',
            iso(t.createdAt),
            iso(t.lastUsedAt),
            t.revokedAt === null ? 'active' : `revoked ${iso(t.revokedAt)}`,
          ]);
          return out(
            rows.length === 0
              ? 'No tokens.\n'
              : renderTable(
                  ['ID', 'NAME', 'KIND', 'CLUSTER', 'CREATED', 'LAST USED', 'STATE'],
                  rows,
                ),
          );
        });
      } catch (err) {
        fatal('tokens list', err);
      }
    });

  storeOptions(tokens.command('revoke'))
    .description('revoke a token by id')
    .argument('<id>', 'token id from tokens list')
    .action(async (id: string, opts: TokenFlags) => {
      try {
        await withServices(configFromFlags(opts), async (s) => {
          if (!(await s.tokens.revoke(id))) throw new Error(`no active token with id ${id}`);
          await s.auth.audit.record({ actor: cliActor(), action: 'token.revoke', target: id });
          await out(opts.json ? `${JSON.stringify({ revoked: id })}\n` : `Token ${id} revoked.\n`);
        });
      } catch (err) {
        fatal('tokens revoke', err);
      }
    });
}
