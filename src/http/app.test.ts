import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import type { IngestReply } from '../api/ingest-schema.js';
import { buildServices, openFlowStore, type Services } from '../services/config-store.js';
import { fixture } from '../testing/fixtures/formats/run-parser.js';
import { buildApp } from './app.js';

const GOOD = fixture('hubble-flows.jsonl');
const BODY_LIMIT = 64 * 1024;

describe('HTTP app on a real SQLite store', () => {
  let app: FastifyInstance;
  let services: Services;
  let base: string;
  let token: string;
  /** Reads need a read token (or a session); ingest tokens can only ingest. */
  let readToken: string;

  const post = (
    body: string | Buffer,
    opts: { query?: string; headers?: Record<string, string>; auth?: string | null } = {},
  ): Promise<Response> =>
    fetch(`${base}/api/v1/ingest?${opts.query ?? 'format=hubble'}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-ndjson',
        ...(opts.auth === null ? {} : { authorization: `Bearer ${opts.auth ?? token}` }),
        ...opts.headers,
      },
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsec-http-'));
    const config = structuredClone(CONFIG_DEFAULTS);
    config.store.path = join(dir, 'netsec.db');
    config.server.bodyLimitBytes = BODY_LIMIT;
    config.ingest.maxDecompressedBytes = 4 * BODY_LIMIT;
    services = buildServices(await openFlowStore(config), { config });
    app = await buildApp({ ...services, config }, { logger: false });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    token = (await services.tokens.create('test', null)).token;
    readToken = (await services.tokens.create('reader', null, { kind: 'read' })).token;
  });
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  it('answers /healthz and /readyz without a token', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('rejects ingest without a valid bearer token (401)', async () => {
    expect((await post(GOOD, { auth: null })).status).toBe(401);
    const wrong = await post(GOOD, { auth: 'nsi_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('rejects a revoked token', async () => {
    const t = await services.tokens.create('short-lived', null);
    expect((await post('', { auth: t.token })).status).toBe(200);
    await services.tokens.revoke(t.record.id);
    expect((await post('', { auth: t.token })).status).toBe(401);
  });

  it('names the accepted formats for an unknown one (400)', async () => {
    const r = await post(GOOD, { query: 'format=pcap' });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { message: string; accepted: string[] };
    expect(body.message).toContain('pcap');
    expect(body.accepted).toEqual(['hubble', 'goldmane', 'calico-flowlog', 'accountant', 'native']);
    expect((await post(GOOD, { query: '' })).status).toBe(400);
  });

  it('states the limit when the body is too large (413)', async () => {
    const r = await post('x'.repeat(BODY_LIMIT + 10));
    expect(r.status).toBe(413);
    const body = (await r.json()) as { message: string; limitBytes: number };
    expect(body.limitBytes).toBe(BODY_LIMIT);
    expect(body.message).toContain(String(BODY_LIMIT));
  });

  it('states the limit when a gzip body inflates beyond it (413)', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * BODY_LIMIT, 0x20));
    expect(bomb.length).toBeLessThan(BODY_LIMIT);
    const r = await post(bomb, { headers: { 'content-encoding': 'gzip' } });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { limitBytes: number }).limitBytes).toBe(4 * BODY_LIMIT);
  });

  it('ingests a gzip body and replies with counts after commit', async () => {
    const r = await post(gzipSync(GOOD), {
      headers: { 'content-encoding': 'gzip', 'idempotency-key': 'gz-1' },
      query: 'format=hubble&cluster=gz',
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as IngestReply;
    expect(body).toMatchObject({
      accepted: 16,
      rejected: 0,
      skipped: 7,
      stored: 16,
      duplicate: false,
    });
    const page = await services.store.queryFlows({ cluster: ['gz'] }, { limit: 100 });
    expect(page.flows.length).toBeGreaterThan(0);
  });

  it('counts a batch posted twice with the same Idempotency-Key once', async () => {
    const headers = { 'idempotency-key': 'batch-42' };
    const first = (await (
      await post(GOOD, { headers, query: 'format=hubble&cluster=idem' })
    ).json()) as IngestReply;
    const before = await services.store.stats();
    const second = (await (
      await post(GOOD, { headers, query: 'format=hubble&cluster=idem' })
    ).json()) as IngestReply;
    const after = await services.store.stats();
    expect(first).toMatchObject({ stored: 16, duplicate: false });
    expect(second).toMatchObject({ accepted: 16, stored: 0, duplicate: true });
    expect(after.rawEvents).toBe(before.rawEvents);
    expect(after.batches).toBe(before.batches);
  });

  it('reports bad lines with numbers and keeps serving after malformed bodies', async () => {
    const body = ['{"flow":', GOOD.split('\n')[0], '\u0000\u00ff{]', '[1,2]'].join('\n');
    const r = await post(body);
    expect(r.status).toBe(200);
    const reply = (await r.json()) as IngestReply;
    expect(reply.accepted).toBe(1);
    expect(reply.rejected).toBe(3);
    expect(reply.errors.map((e) => e.line)).toEqual([1, 3, 4]);

    const garbage = await post(Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02]), {
      headers: { 'content-encoding': 'gzip' },
    });
    expect(garbage.status).toBe(400);
    const binary = await post(Buffer.from(Array.from({ length: 2000 }, (_, i) => i % 256)));
    expect(binary.status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await post(GOOD, { query: 'format=hubble&cluster=after' })).status).toBe(200);
  });

  it('refuses ingest with 503 and Retry-After while too much is in flight, then takes it', async () => {
    const metrics = async (): Promise<string> =>
      (
        await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${readToken}` } })
      ).text();
    // Other requests hold the whole of ingest.maxInFlightBytes.
    const held = services.ingestAdmission.tryAdmit(CONFIG_DEFAULTS.ingest.maxInFlightBytes);
    expect(held).not.toBeNull();
    const headers = { 'idempotency-key': 'busy-1' };
    const query = 'format=hubble&cluster=busy';
    try {
      const busy = await post(GOOD, { headers, query });
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('2');
      const body = (await busy.json()) as { error: string; message: string; limitBytes: number };
      expect(body.error).toBe('overloaded');
      expect(body.message).toContain('ingest.maxInFlightBytes');
      expect(body.limitBytes).toBe(CONFIG_DEFAULTS.ingest.maxInFlightBytes);
      const text = await metrics();
      expect(text).toMatch(/^netsec_ingest_requests_refused_total 1$/m);
      expect(text).toContain(
        `\nnetsec_ingest_in_flight_bytes ${CONFIG_DEFAULTS.ingest.maxInFlightBytes}\n`,
      );
      expect((await services.store.queryFlows({ cluster: ['busy'] }, { limit: 1 })).flows).toEqual(
        [],
      );
      // Refused on its declared length, before the body is read: the answer comes while most of
      // a 10 MB body has not been sent.
      const early = await new Promise<{ status: number; retryAfter: string | undefined }>(
        (resolve, reject) => {
          const req = request(`${base}/api/v1/ingest?${query}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-length': String(10_000_000),
            },
          });
          req.on('response', (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
            req.destroy();
          });
          req.on('error', reject);
          req.write('x'.repeat(1024));
        },
      );
      expect(early).toEqual({ status: 503, retryAfter: '2' });
    } finally {
      held?.();
    }
    // The same request, sent again, is taken and stored once.
    const again = await post(GOOD, { headers, query });
    expect(again.status).toBe(200);
    expect(((await again.json()) as IngestReply).stored).toBe(16);
    expect(await metrics()).toMatch(/^netsec_ingest_in_flight_bytes 0$/m);
  });

  it('exposes ingest counters and store gauges on /metrics', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const text = await (
      await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${readToken}` } })
    ).text();
    expect(text).toMatch(/netsec_ingest_records_read_total\{format="hubble"\} \d+/);
    expect(text).toMatch(/netsec_ingest_records_rejected_total\{format="hubble"\} [1-9]/);
    expect(text).toMatch(/netsec_ingest_batch_commit_seconds_count [1-9]/);
    expect(text).toMatch(/netsec_store_size_bytes [1-9]/);
    expect(text).toMatch(/netsec_store_newest_data_timestamp_seconds 17\d+/);
    expect(text).toMatch(/netsec_ingest_lost_events_total\{format="hubble"\} [1-9]/);
    // The process's own figures, as any Node.js service exposes them.
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes [1-9]/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
  });

  it('lists flows with filters and cursor pagination, behind the token', async () => {
    expect((await fetch(`${base}/api/v1/flows`)).status).toBe(401);
    const ingestOnly = { authorization: `Bearer ${token}` };
    expect((await fetch(`${base}/api/v1/flows`, { headers: ingestOnly })).status).toBe(403);
    const auth = { authorization: `Bearer ${readToken}` };
    const bad = await fetch(`${base}/api/v1/flows?verdict=maybe`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('verdict');
    const unknown = await fetch(`${base}/api/v1/flows?colour=red`, { headers: auth });
    expect(unknown.status).toBe(400);
    // A relative time of hundreds of digits was -Infinity, not a refusal.
    const endless = await fetch(`${base}/api/v1/flows?from=-${'9'.repeat(400)}d`, {
      headers: auth,
    });
    expect(endless.status).toBe(400);
    expect(((await endless.json()) as { message: string }).message).toContain('from');

    const seen = new Set<string>();
    let url = `${base}/api/v1/flows?cluster=idem&limit=2`;
    for (let i = 0; i < 50; i++) {
      const page = (await (await fetch(url, { headers: auth })).json()) as {
        flows: { id: string; cluster: string }[];
        next: string | null;
      };
      for (const f of page.flows) {
        expect(f.cluster).toBe('idem');
        seen.add(f.id);
      }
      if (!page.next) break;
      url = `${base}/api/v1/flows?cluster=idem&limit=2&cursor=${encodeURIComponent(page.next)}`;
    }
    const all = await services.store.queryFlows({ cluster: ['idem'] }, { limit: 1000 });
    expect(seen.size).toBe(all.flows.length);

    const denied = (await (
      await fetch(`${base}/api/v1/flows?verdict=denied`, { headers: auth })
    ).json()) as { flows: { verdict: string }[] };
    expect(denied.flows.length).toBeGreaterThan(0);
    expect(denied.flows.every((f) => f.verdict === 'denied')).toBe(true);
  });

  it('summarises allowed and denied per namespace from rollups', async () => {
    const auth = { authorization: `Bearer ${readToken}` };
    const r = await fetch(
      `${base}/api/v1/summary?from=2025-03-01T00:00:00Z&to=2025-03-10T00:00:00Z`,
      {
        headers: auth,
      },
    );
    expect(r.status).toBe(200);
    const s = (await r.json()) as {
      rows: {
        namespace: string;
        allowed: { flows: { value: number | null } };
        denied: { packets: { value: number | null } };
      }[];
      notReported: { source: string; counters: string[] }[];
    };
    expect(s.rows.length).toBeGreaterThan(0);
    expect(s.rows.some((row) => (row.allowed.flows.value ?? 0) > 0)).toBe(true);
    // Hubble reports no packets: the sum stays null rather than 0.
    expect(s.rows.every((row) => row.denied.packets.value === null)).toBe(true);
    expect(s.notReported).toContainEqual({ source: 'hubble', counters: ['packets', 'bytes'] });
  });
});
