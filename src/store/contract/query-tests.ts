/** Contract: raw-event filters (every field, CIDR, namespace OR) and keyset pagination. */
import { expect, it } from 'vitest';

import type { Endpoint, Flow } from '../../domain/flow.js';
import { cidrContains, parseCidr, parseIp } from '../../domain/ip.js';
import type { FlowFilter } from '../flow-store.js';
import { InvalidQueryError } from '../flow-store.js';
import { policyKey } from '../rollup-key.js';
import { rawEventWeight } from '../sampling.js';
import { allFlows, batchOf, type ContractContext } from './context.js';
import { allowPolicy, externalEndpoint, makeFlow, makeFlows, T0 } from './flow-fixtures.js';

function ipMatches(e: Endpoint, filter: string): boolean {
  if (e.ip === null) return false;
  const ip = parseIp(e.ip);
  if (!ip) return false;
  const cidr = filter.includes('/') ? parseCidr(filter) : null;
  if (cidr) return cidrContains(cidr, ip);
  const want = parseIp(filter);
  return want !== null && want.bits === ip.bits && want.value === ip.value;
}

/** Reference semantics of FlowFilter, written plainly. */
function matches(f: Flow, q: FlowFilter): boolean {
  const inList = <T>(list: readonly T[] | undefined, v: T): boolean => !list || list.includes(v);
  return (
    (q.from === undefined || f.time >= q.from) &&
    (q.to === undefined || f.time < q.to) &&
    inList(q.cluster, f.cluster) &&
    (!q.namespace ||
      q.namespace.includes(f.src.namespace as string) ||
      q.namespace.includes(f.dst.namespace as string)) &&
    (q.workload === undefined ||
      f.src.workload?.name === q.workload ||
      f.dst.workload?.name === q.workload) &&
    (q.pod === undefined || f.src.pod === q.pod || f.dst.pod === q.pod) &&
    (q.ip === undefined || ipMatches(f.src, q.ip) || ipMatches(f.dst, q.ip)) &&
    (q.port === undefined || f.port === q.port) &&
    inList(q.protocol, f.protocol) &&
    inList(q.verdict, f.verdict) &&
    inList(q.direction, f.direction) &&
    inList(q.reason, f.reason) &&
    (q.policy === undefined || f.policies.some((p) => policyKey(p) === q.policy)) &&
    inList(q.source, f.source)
  );
}

const sig = (f: Flow): string =>
  `${f.time}|${f.cluster}|${f.src.ip}|${f.dst.ip}|${f.port}|${f.protocol}|${f.verdict}|${f.direction}`;

function dataset(): Flow[] {
  return [
    ...makeFlows(600, { deniedShare: 0.5, seed: 21 }),
    makeFlow({
      time: T0 + 1,
      src: { ip: '2001:db8:1::5', namespace: 'v6' },
      dst: { ip: 'fd00::9' },
    }),
    makeFlow({ time: T0 + 2, dst: externalEndpoint('198.51.100.77'), direction: 'egress' }),
    makeFlow({ time: T0 + 3, cluster: 'staging', source: 'goldmane', reason: 'explicit-deny' }),
    makeFlow({
      time: T0 + 4,
      policies: [
        allowPolicy('', 'cluster-wide'),
        { ...allowPolicy('shop', 'p|x'), action: 'deny' },
      ],
    }),
    makeFlow({
      time: T0 + 5,
      verdict: 'audit',
      reason: 'staged-deny',
      src: { pod: 'web-0', workload: { kind: 'StatefulSet', name: 'web' } },
    }),
  ];
}

const FILTERS: FlowFilter[] = [
  {},
  { namespace: ['payments'] },
  { namespace: ['shop', 'batch'] },
  { namespace: [] },
  { ip: '10.244.1.0/24' },
  { ip: '10.244.2.31' },
  { ip: '2001:db8::/32' },
  { ip: 'fd00::9' },
  { ip: '198.51.100.0/25' },
  { ip: '0.0.0.0/0' },
  { pod: 'web-0' },
  { workload: 'svc-1' },
  { workload: 'web' },
  { port: 443 },
  { protocol: ['UDP', 'ICMP'] },
  { verdict: ['denied'] },
  { verdict: ['audit', 'allowed'] },
  { direction: ['egress'] },
  { reason: ['explicit-deny', 'staged-deny'] },
  { policy: 'shop/allow-app' },
  { policy: 'cluster-wide' },
  { source: ['goldmane'] },
  { cluster: ['staging'] },
  { from: T0 + 600_000, to: T0 + 1_800_000 },
  { from: T0 + 3, to: T0 + 4 },
  { namespace: ['shop'], verdict: ['denied'], port: 80, direction: ['ingress'] },
];

export function registerQueryTests(ctx: ContractContext): void {
  it('applies every filter field exactly as the reference semantics say', async () => {
    const flows = dataset();
    await ctx.store().writeBatch(batchOf('q', flows));
    const stored = flows.filter((f) => rawEventWeight(f, 0.1) > 0);
    for (const filter of FILTERS) {
      const want = stored
        .filter((f) => matches(f, filter))
        .map(sig)
        .sort();
      const got = (await allFlows(ctx.store(), filter)).map(sig).sort();
      expect({ filter, got }).toEqual({ filter, got: want });
    }
    // The dataset exercises each filter: most match something, and none matches everything.
    const nonEmpty = FILTERS.filter((q) => stored.some((f) => matches(f, q)));
    expect(nonEmpty.length).toBeGreaterThanOrEqual(FILTERS.length - 1);
  });

  it('rejects a malformed IP or CIDR filter and a malformed cursor', async () => {
    await expect(ctx.store().queryFlows({ ip: '10.0.0.300' })).rejects.toThrow(InvalidQueryError);
    await expect(ctx.store().queryFlows({ ip: '10.0.0.0/33' })).rejects.toThrow(InvalidQueryError);
    await expect(ctx.store().queryFlows({}, { cursor: 'not-a-cursor' })).rejects.toThrow(
      InvalidQueryError,
    );
  });

  it('pages newest first without gaps or repeats, stable while newer data arrives', async () => {
    // Only 10 distinct times: ties must be broken by id, not lost between pages.
    const flows = Array.from({ length: 250 }, (_, i) =>
      makeFlow({ time: T0 + (i % 10) * 1000, src: { pod: `p-${i}` } }),
    );
    await ctx.store().writeBatch(batchOf('p', flows));
    const oneShot = (await ctx.store().queryFlows({}, { limit: 1000 })).flows.map((f) => f.id);
    expect(oneShot.length).toBe(250);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await ctx.store().queryFlows({}, { limit: 40, cursor });
      seen.push(...page.flows.map((f) => f.id));
      const times = page.flows.map((f) => f.time);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      cursor = page.next;
      if (pages++ === 0) {
        const newer = Array.from({ length: 30 }, () => makeFlow({ time: T0 + 99_000 }));
        await ctx.store().writeBatch(batchOf('p2', newer));
      }
    } while (cursor);
    expect(pages).toBe(7);
    expect(seen).toEqual(oneShot);
    expect(new Set(seen).size).toBe(250);
  });

  it('returns next = null on an exact last page', async () => {
    await ctx.store().writeBatch(batchOf('e', makeFlows(20, { deniedShare: 1 })));
    const page = await ctx.store().queryFlows({}, { limit: 20 });
    expect(page.flows.length).toBe(20);
    expect(page.next).toBeNull();
  });
}
