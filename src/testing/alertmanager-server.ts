/**
 * A throwaway Prometheus Alertmanager (Debian's `prometheus-alertmanager`, 0.25) on a free
 * loopback port, with its storage in a temporary directory, clustering off and a receiver
 * that notifies nobody: tests read what it holds through its v2 API.
 * @example
 * const am = await startAlertmanager();
 * const alerts = await am.alerts();   // GET /api/v2/alerts
 * await am.stop();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, spawnLogged, stopChild, waitFor } from './real-binary.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** An alert as Alertmanager's `GET /api/v2/alerts` returns it (the fields tests read). */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  fingerprint: string;
  status: {
    state: 'active' | 'suppressed' | 'unprocessed';
    silencedBy: string[];
    inhibitedBy: string[];
  };
}

export interface AlertmanagerServer {
  url: string;
  /** `GET /api/v2/alerts` (active, silenced, inhibited and unprocessed alerts). */
  alerts(): Promise<GettableAlert[]>;
  stop(): Promise<void>;
}

const CONFIG = `route:
  receiver: nobody
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: nobody
`;

export async function startAlertmanager(bin = ALERTMANAGER_BIN): Promise<AlertmanagerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-am-'));
  writeFileSync(join(dir, 'alertmanager.yml'), CONFIG);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, output } = spawnLogged(bin, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'alertmanager to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output()}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      20_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    alerts: async () => {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (!res.ok) throw new Error(`GET /api/v2/alerts: HTTP ${res.status}`);
      return (await res.json()) as GettableAlert[];
    },
    stop,
  };
}
