import { afterEach, describe, expect, it } from 'vitest';

import { createGoldmaneParser } from '../../formats/goldmane/goldmane-parser.js';
import {
  type FakeGoldmane,
  simulatedWhiskerFlows,
  startFakeGoldmane,
  startFakeWhisker,
} from '../../testing/fake-goldmane.js';
import { resultKey } from './flow-key.js';
import { goldmaneGrpcOpener } from './goldmane-grpc.js';
import { GoldmaneStreamSource } from './goldmane-source.js';
import { whiskerOpener } from './whisker-sse.js';

const T = Date.UTC(2026, 10, 20, 12);
const INTERVALS = 6;
const FLOWS = simulatedWhiskerFlows(5, T, INTERVALS);
const fast = { initialMs: 5, maxMs: 40 };

async function until(pred: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let fake: FakeGoldmane | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const expectedKeys = FLOWS.map((f) => resultKey(f).key).sort();

function check(lines: string[]): void {
  const keys = lines.map((l) => resultKey(JSON.parse(l) as Record<string, unknown>).key);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.sort()).toEqual(expectedKeys);
  const parser = createGoldmaneParser({ cluster: 'demo' });
  const flows = lines.flatMap((l, i) => {
    const out = parser.parseLine(l, i + 1);
    expect(out.error).toBeUndefined();
    return out.flows;
  });
  expect(flows.length).toBe(FLOWS.length);
  expect(flows.some((f) => f.verdict === 'denied')).toBe(true);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  expect(sum(flows.map((f) => f.bytes ?? 0))).toBe(
    sum(FLOWS.map((f) => Number(f['bytes_in']) + Number(f['bytes_out']))),
  );
}

describe('Goldmane sources', () => {
  it('has several intervals of realistic flows', () => {
    expect(new Set(FLOWS.map((f) => f['start_time'])).size).toBe(INTERVALS);
    expect(new Set(expectedKeys).size).toBe(FLOWS.length);
  });

  // About 115 results share each interval's start, and a stream can only restart at a whole
  // second, so every connection replays the interval it stopped in: cuts come later than that.
  it('Flows.Stream over gRPC: every result exactly once across cut streams', async () => {
    fake = await startFakeGoldmane(FLOWS, { cutAfter: 150 });
    const grpcOpen = goldmaneGrpcOpener(fake.address, null, 5);
    const src = new GoldmaneStreamSource('gm', 'goldmane', grpcOpen.open, {
      cluster: 'demo',
      sinceMs: T,
      resumeWindowMs: 0,
      backoff: fast,
      maxBatchLines: 7,
      maxBatchDelayMs: 5,
    });
    const lines: string[] = [];
    const ac = new AbortController();
    const run = src.start({ write: async (b) => void lines.push(...b.lines) }, ac.signal);
    await until(() => lines.length >= FLOWS.length);
    ac.abort();
    await run;
    grpcOpen.close();
    check(lines);
    const h = src.health();
    expect(h.reconnects).toBeGreaterThan(0);
    expect(h.lastDataAt).toBe(T + (INTERVALS - 1) * 15_000);
    expect(fake.starts[0]).toBe(BigInt(T / 1000));
  });

  it('whisker-backend watch stream: dropped connections, late flows, exactly once', async () => {
    const firstHalf = FLOWS.filter((f) => Date.parse(String(f['start_time'])) < T + 60_000);
    const rest = FLOWS.slice(firstHalf.length);
    fake = await startFakeWhisker(firstHalf, { cutAfter: 300 });
    const src = new GoldmaneStreamSource('wh', 'whisker', whiskerOpener(fake.address), {
      cluster: 'demo',
      sinceMs: T,
      resumeWindowMs: 15_000,
      backoff: fast,
      maxBatchDelayMs: 5,
    });
    const lines: string[] = [];
    const ac = new AbortController();
    const run = src.start({ write: async (b) => void lines.push(...b.lines) }, ac.signal);
    await until(() => lines.length >= firstHalf.length).catch((e: Error) => {
      throw new Error(
        `${e.message}: ${lines.length}/${firstHalf.length} ${JSON.stringify(src.health())} ${String(fake?.starts)}`,
      );
    });
    fake.push(rest);
    await until(() => lines.length >= FLOWS.length).catch((e: Error) => {
      throw new Error(
        `${e.message}: ${lines.length}/${FLOWS.length} ${JSON.stringify(src.health())} ${String(fake?.starts)}`,
      );
    });
    ac.abort();
    await run;
    check(lines);
    expect(src.health().reconnects).toBeGreaterThan(0);
    expect(src.health().duplicatesSkipped).toBeGreaterThan(0);
    // Two waits of up to 20 s each: a slow CI machine must reach the second one's message.
  }, 60_000);

  it('writes what a cut stream delivered before reconnecting, so cuts after every burst still make progress', async () => {
    // Each connection replays from the resume point and is cut after 300 results, sent in one
    // burst. The batcher would write only after 2 s or 10,000 lines, so every connection is cut
    // with its results still queued: dropped, they would come again forever.
    fake = await startFakeWhisker(FLOWS, { cutAfter: 300 });
    const src = new GoldmaneStreamSource('wh', 'whisker', whiskerOpener(fake.address), {
      cluster: 'demo',
      sinceMs: T,
      resumeWindowMs: 15_000,
      backoff: fast,
      maxBatchLines: 10_000,
      maxBatchDelayMs: 2_000,
    });
    const lines: string[] = [];
    const ac = new AbortController();
    const run = src.start({ write: async (b) => void lines.push(...b.lines) }, ac.signal);
    await until(() => lines.length >= FLOWS.length).catch((e: Error) => {
      throw new Error(
        `${e.message}: ${lines.length}/${FLOWS.length} ${JSON.stringify(src.health())}`,
      );
    });
    ac.abort();
    await run;
    check(lines);
    expect(src.health().reconnects).toBeGreaterThan(1);
  }, 30_000);
});
