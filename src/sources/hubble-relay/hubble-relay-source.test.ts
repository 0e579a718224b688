import { afterEach, describe, expect, it } from 'vitest';

import { createHubbleParser } from '../../formats/hubble/hubble-parser.js';
import {
  type FakeHubbleRelay,
  lostEventsResponse,
  relayWants,
  simulatedRelayRecords,
  startFakeHubbleRelay,
} from '../../testing/fake-hubble-relay.js';
import type { SourceBatch } from '../source.js';
import { HubbleRelaySource, policyWhitelist } from './hubble-relay-source.js';
import { timestampNs } from './relay-json.js';

const T = Date.UTC(2026, 10, 20, 12);
const RECORDS = simulatedRelayRecords(4, T, 20_000);
const fast = { initialMs: 5, maxMs: 40 };

function uuidsOf(lines: readonly string[]): string[] {
  return lines
    .map((l) => JSON.parse(l) as { flow?: { uuid?: string } })
    .filter((o) => o.flow?.uuid !== undefined)
    .map((o) => o.flow?.uuid as string);
}

async function until(pred: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let relay: FakeHubbleRelay | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

describe('Hubble Relay source', () => {
  const expected = RECORDS.filter((r) => relayWants({ whitelist: policyWhitelist() }, r));

  it('has realistic records: policy verdicts, drops and replies to filter out', () => {
    expect(RECORDS.length).toBeGreaterThan(50);
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.length).toBeLessThan(RECORDS.length);
  });

  it('delivers every flow exactly once across forced disconnects, and counts lost events', async () => {
    // Lost events in the middle of the recording, as Relay reports them.
    const mid = timestampNs((expected[10]?.['flow'] as Record<string, unknown>)['time']) as bigint;
    const records = [...RECORDS, lostEventsResponse(mid + 1n, 7)].sort((a, b) =>
      Number(timeOf(a) - timeOf(b)),
    );
    relay = await startFakeHubbleRelay(records, { cutAfter: 60 });
    const src = new HubbleRelaySource('relay', {
      address: relay.address,
      cluster: 'demo',
      sinceMs: T - 1000,
      backoff: fast,
      resumeWindowMs: 100,
      maxBatchLines: 16,
      maxBatchDelayMs: 5,
    });
    const got: SourceBatch[] = [];
    const ac = new AbortController();
    const run = src.start({ write: async (b) => void got.push(b) }, ac.signal);
    const lines = (): string[] => got.flatMap((b) => b.lines);
    await until(() => uuidsOf(lines()).length >= expected.length);
    ac.abort();
    await run;

    const uuids = uuidsOf(lines());
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(uuids.sort()).toEqual(expected.map((r) => (r['flow'] as { uuid: string }).uuid).sort());
    const h = src.health();
    expect(h.reconnects).toBeGreaterThan(2);
    expect(h.lostEvents).toBe(7);
    expect(h.errors).toBeGreaterThan(0);
    expect(h.state).toBe('stopped');
    expect(h.lastDataAt).toBeGreaterThan(T);
    expect(h.lagMs).toBeGreaterThan(0);
    // Every later request resumed with a since and the policy whitelist.
    expect(relay.requests.length).toBe(h.reconnects + 1);
    for (const r of relay.requests) {
      expect(r['follow']).toBe(true);
      expect((r['whitelist'] as unknown[]).length).toBe(3);
      expect(r['since']).toBeDefined();
    }
    // The lines parse into flows with the lost events counted.
    const parser = createHubbleParser({ cluster: 'demo' });
    let flows = 0;
    let lost = 0;
    lines().forEach((l, i) => {
      const out = parser.parseLine(l, i + 1);
      expect(out.error).toBeUndefined();
      flows += out.flows.length;
      lost += out.lostEvents ?? 0;
    });
    expect(flows).toBe(expected.length);
    expect(lost).toBe(7);
  });

  it('survives a server restart on the same port and follows new flows', async () => {
    const half = Math.floor(expected.length / 2);
    relay = await startFakeHubbleRelay(expected.slice(0, half));
    const src = new HubbleRelaySource('relay', {
      address: relay.address,
      cluster: 'demo',
      sinceMs: T - 1000,
      backoff: fast,
      maxBatchDelayMs: 5,
    });
    const got: string[] = [];
    const ac = new AbortController();
    const run = src.start({ write: async (b) => void got.push(...b.lines) }, ac.signal);
    await until(() => got.length >= half);
    await relay.restart();
    relay.push(expected.slice(half));
    await until(() => uuidsOf(got).length >= expected.length);
    ac.abort();
    await run;
    const uuids = uuidsOf(got);
    expect(new Set(uuids).size).toBe(expected.length);
    expect(uuids.length).toBe(expected.length);
    expect(src.health().reconnects).toBeGreaterThanOrEqual(1);
    expect(src.health().duplicatesSkipped).toBeGreaterThan(0);
  });

  it('retries with backoff while nothing listens, without throwing', async () => {
    relay = await startFakeHubbleRelay([]);
    const address = relay.address;
    await relay.close();
    relay = null;
    const src = new HubbleRelaySource('relay', { address, cluster: 'demo', backoff: fast });
    const ac = new AbortController();
    const run = src.start({ write: async () => undefined }, ac.signal);
    await until(() => src.health().errors >= 2);
    ac.abort();
    await run;
    expect(src.health().state).toBe('stopped');
    expect(src.health().lastError).toBeTruthy();
  });
});

function timeOf(r: Record<string, unknown>): bigint {
  const f = r['flow'] as Record<string, unknown> | undefined;
  return timestampNs(f ? f['time'] : r['time']) ?? 0n;
}
