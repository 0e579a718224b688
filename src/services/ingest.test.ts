import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createParser } from '../formats/registry.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { fixture } from '../testing/fixtures/formats/run-parser.js';
import {
  bodyLines,
  type FlowEnricher,
  IngestService,
  splitLines,
  TooManyLinesError,
} from './ingest.js';

const GOOD = splitLines(fixture('hubble-flows.jsonl'));
const BAD_LINE = '{"flow":{"time":"2025-03-04T09:16:01Z","verdict":"FORWARDED",';

describe('IngestService on a real SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-ingest-'));
  const store = openSqliteStore({ path: join(dir, 'netsec.db') });
  const batches: { delta: number; seconds: number | null }[] = [];
  const service = new IngestService({
    store,
    createParser,
    observer: { onBatch: (_f, d, s) => batches.push({ delta: d.flows, seconds: s }) },
  });
  beforeAll(() => store.migrate());
  afterAll(() => store.close());

  it('stores flows in batches, counts everything, and reports bad lines by number', async () => {
    const lines = [...GOOD.slice(0, 5), BAD_LINE, '', ...GOOD.slice(5), 'not json'];
    const rejected: string[] = [];
    const r = await service.ingestLines([lines.slice(0, 10), lines.slice(10)], {
      format: 'hubble',
      cluster: 'c1',
      batchSize: 4,
      onReject: (line) => rejected.push(line),
    });
    expect(r.counts).toMatchObject({
      read: GOOD.length + 2,
      flows: 16,
      stored: 16,
      rejected: 2,
      skipped: 7,
      lostEvents: 37,
      duplicateBatches: 0,
    });
    expect(r.counts.batches).toBeGreaterThanOrEqual(4);
    expect(r.errors.map((e) => e.line)).toEqual([6, lines.length]);
    expect(rejected).toEqual([BAD_LINE, 'not json']);
    expect(batches.reduce((n, b) => n + b.delta, 0)).toBe(16);
    expect(batches.some((b) => b.seconds !== null && b.seconds >= 0)).toBe(true);
    const stats = await store.stats();
    expect(stats.rawEvents).toBeGreaterThan(0);
  });

  it('counts the same content twice only once (content-hash batch ids)', async () => {
    const before = await store.stats();
    const again = await service.ingestLines([GOOD], {
      format: 'hubble',
      cluster: 'c2',
      batchSize: 100,
    });
    expect(again.counts.duplicateBatches).toBe(0);
    const dup = await service.ingestLines([GOOD], {
      format: 'hubble',
      cluster: 'c2',
      batchSize: 100,
    });
    expect(dup.counts).toMatchObject({ flows: 16, stored: 0, batches: 1, duplicateBatches: 1 });
    const after = await store.stats();
    expect(after.batches).toBe(before.batches + 1);
  });

  it('uses a client key for batch ids, whatever the content', async () => {
    const opts = { format: 'hubble' as const, cluster: 'c3', idempotencyKey: 'k-1' };
    const first = await service.ingestLines([GOOD.slice(0, 3)], opts);
    const second = await service.ingestLines([GOOD.slice(3, 6)], opts);
    expect(first.counts.stored).toBeGreaterThan(0);
    expect(second.counts).toMatchObject({ stored: 0, duplicateBatches: 1 });
  });

  it('keeps only the first maxErrors errors but counts all rejects', async () => {
    const r = await service.ingestLines([Array.from({ length: 30 }, () => '{')], {
      format: 'hubble',
      cluster: 'c4',
      maxErrors: 5,
    });
    expect(r.counts.rejected).toBe(30);
    expect(r.errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('passes every flow through the enricher', async () => {
    const enricher: FlowEnricher = {
      enrich: (f) => ({
        ...f,
        src: { ...f.src, workload: { kind: 'Deployment', name: 'enriched' } },
      }),
    };
    const enriching = new IngestService({
      store,
      createParser,
      enricher,
    });
    await enriching.ingestLines([GOOD], { format: 'hubble', cluster: 'c5' });
    const page = await store.queryFlows({ cluster: ['c5'] }, { limit: 50 });
    expect(page.flows.length).toBeGreaterThan(0);
    for (const f of page.flows) expect(f.src.workload?.name).toBe('enriched');
  });

  it('commits groups of batches (groupFlows) with the same ids and counts as one by one', async () => {
    const lines = [...GOOD, BAD_LINE, ...GOOD.map((l) => l.replace('2025-03-04', '2025-03-05'))];
    const groups: number[] = [];
    const grouped = new IngestService({
      store,
      createParser,
      committer: {
        commit: async (b) => {
          groups.push(b.length);
          return store.writeBatches(b);
        },
      },
    });
    const opts = { format: 'hubble' as const, cluster: 'g1', batchSize: 3 };
    const r = await grouped.ingestLines([lines.slice(0, 7), lines.slice(7)], {
      ...opts,
      groupFlows: 9,
    });
    expect(r.counts).toMatchObject({ read: lines.length, flows: 32, stored: 32, rejected: 1 });
    expect(r.counts.batches).toBe(11);
    expect(r.errors.map((e) => e.line)).toEqual([GOOD.length + 1]);
    expect(groups.slice(0, -1).every((n) => n === 3)).toBe(true);
    expect(groups.reduce((n, g) => n + g, 0)).toBe(11);
    // The same input one batch per commit: every batch id is already there.
    const again = await service.ingestLines([lines], opts);
    expect(again.counts).toMatchObject({ stored: 0, batches: 11, duplicateBatches: 11 });
  });

  it('keeps content-hash batch ids stable: SHA-256 of format, cluster and each line plus newline', async () => {
    const ids: string[] = [];
    const capturing = new IngestService({
      store,
      createParser,
      committer: {
        commit: async (b) => {
          ids.push(...b.map((x) => x.id));
          return store.writeBatches(b);
        },
      },
    });
    const lines = GOOD.slice(0, 6);
    await capturing.ingestLines([lines], { format: 'hubble', cluster: 'h1', batchSize: 1000 });
    const h = createHash('sha256').update('hubble\nh1\n');
    for (const l of lines) h.update(`${l}\n`);
    expect(ids).toEqual([`sha256:${h.digest('hex')}`]);
  });
});

describe('bodyLines', () => {
  /** Bytes that stress the split: newlines, carriage returns, multibyte and broken UTF-8. */
  const piece = fc.oneof(
    fc.constantFrom(
      [0x0a],
      [0x0d],
      [0x0d, 0x0a],
      [0xe2, 0x82, 0xac],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x90, 0x88],
      [0xff],
      [0xef, 0xbb, 0xbf],
    ),
    fc.uint8Array({ maxLength: 6 }).map((a) => [...a]),
    fc.string({ maxLength: 8 }).map((s) => [...Buffer.from(s)]),
  );
  const body = fc.array(piece, { maxLength: 40 }).map((ps) => Buffer.from(ps.flat()));

  it('gives the lines of the decoded text, a chunk at a time', () => {
    fc.assert(
      fc.property(body, (bytes) => {
        expect([...bodyLines(bytes)].flat()).toEqual(splitLines(bytes.toString('utf8')));
      }),
      { numRuns: 1000 },
    );
    const many = Buffer.from(`${'{}\n'.repeat(600)}last`);
    const chunks = [...bodyLines(many)];
    expect(chunks.map((c) => c.length)).toEqual([256, 256, 89]);
    expect(chunks.flat().at(-1)).toBe('last');
  });

  it('refuses a body over maxLines before reading a line, counting lines as splitLines does', () => {
    fc.assert(
      fc.property(body, (bytes) => {
        const n = splitLines(bytes.toString('utf8')).length;
        expect(() => bodyLines(bytes, n)).not.toThrow();
        if (n > 0) expect(() => bodyLines(bytes, n - 1)).toThrow(TooManyLinesError);
      }),
      { numRuns: 500 },
    );
  });
});
