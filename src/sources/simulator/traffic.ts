/**
 * Baseline traffic: for every catalogue connection and every aggregation window, a Poisson
 * number of connections shaped by the connection's rhythm, with noisy byte counts. Each
 * (connection, window) pair has its own PRNG stream, so any time range regenerates the same
 * records whatever range it is part of.
 */
import type { ConnectionSpec } from './catalogue.js';
import type { SimCluster, SimPod } from './cluster.js';
import { workloadOf } from './cluster.js';
import { externalById } from './externals.js';
import { forkPrng, type Prng } from './prng.js';
import { makeRecord, type SimPeer, type SimRecord } from './records.js';
import { rhythmFactor } from './rhythm.js';
import type { VerdictOracle } from './verdicts.js';

export function peerFor(cluster: SimCluster, key: string, rng: Prng, avoid?: SimPod): SimPeer {
  if (key.startsWith('ext:')) {
    const ext = externalById(key.slice(4));
    return { kind: 'external', ip: rng.pick(ext.ips), dnsName: ext.dnsName };
  }
  const pods = workloadOf(cluster, key).pods;
  let pod = rng.pick(pods);
  // A workload talking to itself (replication) talks to another replica.
  if (avoid && pod === avoid && pods.length > 1) pod = pods[(pods.indexOf(pod) + 1) % pods.length]!;
  return { kind: 'pod', pod };
}

/** Log-normal-ish multiplicative noise around 1. */
export function noise(rng: Prng, spread: number): number {
  return Math.exp(spread * rng.gauss());
}

/** The baseline record of one connection in one window, or null when it was idle. */
export function baselineRecord(
  cluster: SimCluster,
  oracle: VerdictOracle,
  conn: ConnectionSpec,
  t: number,
  windowMs: number,
): SimRecord | null {
  const factor = rhythmFactor(conn.rhythm, t, windowMs);
  if (factor <= 0) return null;
  const rng = forkPrng(cluster.seed, conn.id, t, windowMs);
  const mean = conn.perMinute * (windowMs / 60_000) * factor;
  const flows =
    conn.rhythm.kind === 'scrape'
      ? Math.max(1, Math.round(mean))
      : rng.poisson(mean * noise(rng, 0.08));
  if (flows === 0) return null;
  const src = peerFor(cluster, conn.from, rng);
  const dst = peerFor(cluster, conn.to, rng, src.kind === 'pod' ? src.pod : undefined);
  return makeRecord(
    oracle,
    {
      time: t,
      durationMs: windowMs,
      src,
      dst,
      protocol: conn.protocol,
      port: conn.port,
      flows,
      origin: conn.id,
      scenarioId: null,
    },
    conn.bytesOut * flows * noise(rng, 0.25),
    conn.bytesIn * flows * noise(rng, 0.25),
  );
}

/** Baseline records of every connection for one window, in catalogue order. */
export function baselineWindow(
  cluster: SimCluster,
  oracle: VerdictOracle,
  connections: readonly ConnectionSpec[],
  t: number,
  windowMs: number,
): SimRecord[] {
  const out: SimRecord[] = [];
  for (const conn of connections) {
    const rec = baselineRecord(cluster, oracle, conn, t, windowMs);
    if (rec) out.push(rec);
  }
  return out;
}

/** Mean egress bytes per minute of a workload at its peak (used to size exfiltration). */
export function usualEgressPerMinute(
  connections: readonly ConnectionSpec[],
  workload: string,
): number {
  let sum = 0;
  for (const conn of connections) if (conn.from === workload) sum += conn.perMinute * conn.bytesOut;
  return sum;
}
