import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import { createHubbleParser } from '../formats/hubble/hubble-parser.js';
import { buildApp } from '../http/app.js';
import { FileTailSource } from '../sources/file-tail/file-tail-source.js';
import { hubbleLines } from '../sources/simulator/emit-hubble.js';
import { createSimulation } from '../sources/simulator/simulation.js';
import { Collector } from './collector.js';
import { buildServices, openFlowStore, type Services } from './config-store.js';

const T = Date.UTC(2026, 10, 20, 12);
const sim = createSimulation({ seed: 3 });
const LINES = hubbleLines(sim.cluster, sim.window(T, 90_000, []), { replies: true });
const parser = createHubbleParser({ cluster: 'demo' });
const EXPECTED_FLOWS = LINES.reduce((n, l, i) => n + parser.parseLine(l, i + 1).flows.length, 0);

/** Flow events held by the store, from the 1-minute rollups (raw rows sample allowed flows). */
async function storedFlows(services: Services): Promise<number> {
  const rows = await services.store.queryRollups({ resolution: '1m', groupBy: ['cluster'] });
  return rows.reduce((n, r) => n + (r.flows ?? 0), 0);
}

async function until(
  pred: () => boolean | Promise<boolean>,
  ms = 20_000,
  what = '',
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('collector mode against a real ingest server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-collector-'));
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.path = join(dir, 'centre.db');
  let services: Services;
  let app: FastifyInstance | null = null;
  let port = 0;
  let token = '';

  // A restart of the centre: store, services and server all closed and opened again.
  async function centreUp(): Promise<void> {
    services = buildServices(await openFlowStore(config), { config });
    app = await buildApp({ ...services, config }, { logger: false });
    await app.listen({ host: '127.0.0.1', port });
    port = (app.server.address() as { port: number }).port;
  }
  async function centreDown(): Promise<void> {
    await app?.close();
    await services.close();
    app = null;
  }

  beforeAll(async () => {
    await centreUp();
    token = (await services.tokens.create('collector', 'demo')).token;
  });
  afterAll(async () => {
    if (app) await centreDown();
  });

  it('has realistic input', () => {
    expect(LINES.length).toBeGreaterThan(300);
    expect(EXPECTED_FLOWS).toBeGreaterThan(200);
    expect(EXPECTED_FLOWS).toBeLessThan(LINES.length); // replies are skipped
  });

  it('loses nothing and counts nothing twice across a centre outage and a collector restart', async () => {
    const log = join(dir, 'events.log');
    const bufferDir = join(dir, 'buffer');
    const tailState = join(dir, 'tail.json');
    const third = Math.floor(LINES.length / 3);
    const part = (a: number, b: number): string => `${LINES.slice(a, b).join('\n')}\n`;
    writeFileSync(log, part(0, third));
    let lostAck = 1; // the first acknowledgement is lost after the centre committed
    const fetchFn: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.ok && lostAck-- > 0) throw new Error('connection reset after commit');
      return res;
    };
    const make = (): Collector =>
      new Collector({
        sources: [
          new FileTailSource('file', {
            path: log,
            statePath: tailState,
            cluster: 'demo',
            pollMs: 10,
          }),
        ],
        to: `http://127.0.0.1:${port}/api/v1/ingest`,
        token,
        bufferDir,
        maxLinesPerRequest: 100,
        backoff: { initialMs: 10, maxMs: 100 },
        fetchFn,
      });

    const a = make();
    const acA = new AbortController();
    const runA = a.run(acA.signal);
    await until(() => a.health().forwardedBatches > 2 && a.health().buffer.batches === 0);
    expect(a.health().forwardErrors).toBeGreaterThanOrEqual(1); // the lost acknowledgement

    await centreDown();
    appendFileSync(log, part(third, 2 * third));
    await until(() => a.health().buffer.batches > 0 && a.health().forwardErrors > 1);
    acA.abort();
    await runA;

    appendFileSync(log, part(2 * third, LINES.length));
    const b = make();
    const acB = new AbortController();
    const runB = b.run(acB.signal);
    // B reads only what A had not: the tail state survived, and so did A's unsent batches.
    await until(() => (b.health().sources[0]?.records ?? 0) >= LINES.length - 2 * third);
    expect(b.health().sources[0]?.records).toBe(LINES.length - 2 * third);
    expect(b.health().buffer.batches).toBeGreaterThan(0);
    await centreUp();
    await until(
      async () =>
        (await storedFlows(services)) >= EXPECTED_FLOWS && b.health().buffer.batches === 0,
      10_000,
    ).catch(async (e: Error) => {
      throw new Error(`${e.message} ${await storedFlows(services)} ${EXPECTED_FLOWS}`);
    });
    acB.abort();
    await runB;

    expect(await storedFlows(services)).toBe(EXPECTED_FLOWS);
    expect(a.health().duplicateBatches + b.health().duplicateBatches).toBeGreaterThanOrEqual(1);
  });

  it('waits as long as a busy centre asks (503, Retry-After) and then delivers', async () => {
    const before = await storedFlows(services);
    // The centre is already ingesting as much as ingest.maxInFlightBytes allows.
    const occupied = services.ingestAdmission.tryAdmit(config.ingest.maxInFlightBytes);
    expect(occupied).not.toBeNull();
    const calls: { at: number; status: number; retryAfter: string | null }[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      calls.push({
        at: Date.now(),
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
      });
      // The centre frees up once it has refused the collector.
      if (res.status === 503) occupied?.();
      return res;
    };
    const log = join(dir, 'busy.log');
    writeFileSync(log, `${LINES.slice(0, 50).join('\n')}\n`);
    const expected = LINES.slice(0, 50).reduce(
      (n, l, i) => n + parser.parseLine(l, i + 1).flows.length,
      0,
    );
    const collector = new Collector({
      sources: [
        new FileTailSource('file', {
          path: log,
          statePath: join(dir, 'busy-tail.json'),
          cluster: 'demo',
          pollMs: 10,
        }),
      ],
      to: `http://127.0.0.1:${port}/api/v1/ingest`,
      token,
      bufferDir: join(dir, 'busy-buffer'),
      // Its own backoff alone would come back after 5–10 ms.
      backoff: { initialMs: 10, maxMs: 5_000 },
      fetchFn,
    });
    const ac = new AbortController();
    const run = collector.run(ac.signal);
    await until(() => collector.health().forwardedBatches > 0, 20_000, 'for the delivery');
    ac.abort();
    await run;
    const [refused, next] = calls;
    expect(refused).toMatchObject({ status: 503, retryAfter: '2' });
    expect(next?.status).toBe(200);
    expect((next?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1900);
    expect(collector.health().lastError).toBe('centre answered HTTP 503');
    expect(collector.health().buffer.batches).toBe(0);
    expect(await storedFlows(services)).toBe(before + expected);
  });
});
