/**
 * `netsec users add|list|disable|enable|set-role|set-password`: local accounts, every change
 * written to the audit log.
 */
import { userInfo } from 'node:os';

import type { Command } from 'commander';

import { type Role, ROLES } from '../api/auth-schema.js';
import { generatePassword } from '../services/auth/passwords.js';
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
import { escapeTerminal } from './terminal-escape.js';

interface UserFlags extends StoreFlags {
  role?: string;
  namespace?: string[];
  passwordStdin?: boolean;
  json?: boolean;
}

/** Who ran the command, for the audit log. */
export function cliActor(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (containers): keep "unknown".
  }
  return `cli:${name}`;
}

function role(text: string | undefined): Role {
  if (!text || !(ROLES as readonly string[]).includes(text))
    throw new Error(`--role: expected one of ${ROLES.join(', ')}, got ${JSON.stringify(text)}`);
  return text as Role;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const iso = (t: number | null): string => (t === null ? '-' : new Date(t).toISOString());

function storeOptions(cmd: Command): Command {
  return cmd
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--config <file>', 'YAML configuration file')
    .option('--json', 'print JSON');
}

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('manage user accounts');

  storeOptions(users.command('add'))
    .description('add a local user; the password is read from stdin or generated and shown once')
    .argument('<username>')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--namespace <ns>', 'a namespace a developer may see (repeat)', collect)
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: UserFlags) => {
      try {
        const password = opts.passwordStdin ? await readStdin() : generatePassword();
        await withServices(configFromFlags(opts), async (s) => {
          const view = await s.auth.users.add(
            { username, password, role: role(opts.role), namespaces: opts.namespace ?? null },
            cliActor(),
          );
          if (opts.json)
            return out(
              `${JSON.stringify({ ...view, ...(opts.passwordStdin ? {} : { password }) })}\n`,
            );
          return out(
            `User ${escapeTerminal(view.username)} (${view.role}) created.\n` +
              (opts.passwordStdin
                ? ''
                : `Generated password, shown only now:\n\n  ${password}\n\n`),
          );
        });
      } catch (err) {
        fatal('users add', err);
      }
    });

  storeOptions(users.command('list'))
    .description('list users (never password hashes)')
    .action(async (opts: UserFlags) => {
      try {
        await withServices(configFromFlags(opts), async (s) => {
          const list = await s.auth.users.list();
          if (opts.json) return out(`${JSON.stringify(list)}\n`);
          const rows = list.map((u) => [
            escapeTerminal(u.username),
            u.role,
            u.namespaces === null ? '(all)' : u.namespaces.join(','),
            u.source,
            u.disabled ? 'disabled' : 'active',
            iso(u.lastLoginAt),
          ]);
          return out(
            rows.length === 0
              ? 'No users.\n'
              : renderTable(['USER', 'ROLE', 'NAMESPACES', 'SOURCE', 'STATE', 'LAST LOGIN'], rows),
          );
        });
      } catch (err) {
        fatal('users list', err);
      }
    });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    storeOptions(users.command(name))
      .description(`${name} a user${disabled ? ' and end their sessions' : ''}`)
      .argument('<username>')
      .action(async (username: string, opts: UserFlags) => {
        try {
          await withServices(configFromFlags(opts), async (s) => {
            const view = await s.auth.users.setDisabled(username, disabled, cliActor());
            await out(
              opts.json
                ? `${JSON.stringify(view)}\n`
                : `User ${escapeTerminal(username)} ${name}d.\n`,
            );
          });
        } catch (err) {
          fatal(`users ${name}`, err);
        }
      });
  }

  storeOptions(users.command('set-password'))
    .description(
      "set a local user's password (stdin, or generated and shown once); ends their sessions",
    )
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: UserFlags) => {
      try {
        const password = opts.passwordStdin ? await readStdin() : generatePassword();
        await withServices(configFromFlags(opts), async (s) => {
          await s.auth.users.setPassword(username, password, cliActor());
          await out(
            opts.passwordStdin
              ? `Password of ${escapeTerminal(username)} changed.\n`
              : `New password of ${escapeTerminal(username)}, shown only now:\n\n  ${password}\n\n`,
          );
        });
      } catch (err) {
        fatal('users set-password', err);
      }
    });

  storeOptions(users.command('set-role'))
    .description("change a user's role (and a developer's namespaces); ends their sessions")
    .argument('<username>')
    .argument('<role>', `one of ${ROLES.join(', ')}`)
    .option('--namespace <ns>', 'a namespace a developer may see (repeat)', collect)
    .action(async (username: string, r: string, opts: UserFlags) => {
      try {
        await withServices(configFromFlags(opts), async (s) => {
          const view = await s.auth.users.setRole(username, role(r), opts.namespace, cliActor());
          await out(
            opts.json
              ? `${JSON.stringify(view)}\n`
              : `User ${escapeTerminal(username)} is now ${view.role}.\n`,
          );
        });
      } catch (err) {
        fatal('users set-role', err);
      }
    });
}
