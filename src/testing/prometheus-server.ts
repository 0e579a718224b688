/**
 * A throwaway Prometheus (Debian's 2.42) on a free loopback port with its TSDB in a temporary
 * directory, scraping one target on a short interval, optionally with a bearer token and rule
 * files. Tests query it through `/api/v1/query`.
 * @example
 * const prom = await startPrometheus({ target: '127.0.0.1:8080', bearerToken: token });
 * const r = await prom.query('up');   // the `data.result` vector
 * await prom.stop();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, spawnLogged, stopChild, waitFor } from './real-binary.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  url: string;
  /** Instant query; throws on a query error. */
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** `host:port` to scrape. */
  target: string;
  metricsPath?: string;
  bearerToken?: string;
  scrapeInterval?: string;
  ruleFiles?: string[];
}

export async function startPrometheus(
  options: StartPrometheusOptions,
  bin = PROMETHEUS_BIN,
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-prom-'));
  const interval = options.scrapeInterval ?? '1s';
  const auth = options.bearerToken
    ? `    authorization:\n      type: Bearer\n      credentials: ${JSON.stringify(options.bearerToken)}\n`
    : '';
  const rules = (options.ruleFiles ?? []).map((f) => `  - ${JSON.stringify(f)}\n`).join('');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\n` +
      (rules ? `rule_files:\n${rules}` : '') +
      `scrape_configs:\n  - job_name: netsec\n    metrics_path: ${options.metricsPath ?? '/metrics'}\n` +
      auth +
      `    static_configs:\n      - targets: [${JSON.stringify(options.target)}]\n`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, output } = spawnLogged(bin, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'prometheus to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output()}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      30_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    query: async (expr) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: PromSample[] };
      };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error ?? res.status}`);
      return body.data?.resultType === 'vector' ? (body.data.result ?? []) : [];
    },
    stop,
  };
}
