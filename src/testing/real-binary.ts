/**
 * Shared plumbing for tests that start Debian's real binaries (Alertmanager, Prometheus,
 * promtool): a free loopback port, a bounded wait for readiness, and a describe block that
 * fails clearly under CI=true when a binary is missing and skips with the reason otherwise.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';

import { describe, it } from 'vitest';

/** The binaries in `paths` that are missing or not executable. */
export function missingBinaries(paths: readonly string[]): string[] {
  return paths.filter((p) => {
    try {
      accessSync(p, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 100 ms until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
  );
}

/** Starts a binary, keeping its last output lines for error messages. */
export function spawnLogged(
  bin: string,
  args: string[],
): { child: ChildProcess; output: () => string } {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 50) lines.splice(0, lines.length - 50);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => lines.join('\n') };
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * `describe` when every binary is there. Otherwise: under CI=true one failing test that names
 * what is missing; elsewhere a skipped block whose name gives the reason.
 */
export function describeWithBinaries(
  name: string,
  binaries: readonly string[],
  body: () => void,
): void {
  const missing = missingBinaries(binaries);
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const reason = `${missing.join(', ')} not installed (Debian packages prometheus, prometheus-alertmanager)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs the real binaries', () => {
        throw new Error(`CI=true but ${reason}`);
      });
    });
  } else describe.skip(`${name} (skipped: ${reason})`, body);
}
