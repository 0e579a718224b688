/**
 * The verdict seam. The simulator never decides a verdict itself: it asks an oracle, and the
 * real oracle is the NetworkPolicy engine run over the demo's own manifests. Answers are cached
 * per distinct (from, to, protocol, port) tuple, which keeps 14 days of traffic cheap.
 */
import type { ConnectionExplanation } from '../../domain/netpol/index.js';
import {
  buildClusterModel,
  evaluateConnection,
  resolveEndpoint,
} from '../../domain/netpol/index.js';
import { emptyCollection, readManifestText } from '../../formats/k8s-manifests/index.js';

export type SimProtocol = 'TCP' | 'UDP';

/** A probe in the shape of `netsec policy eval`: `ns/pod` or an IP on each side. */
export interface VerdictProbe {
  from: string;
  to: string;
  protocol: SimProtocol;
  port: number;
}

export type VerdictOracle = (probe: VerdictProbe) => ConnectionExplanation;

/** Memoises an oracle per distinct probe; also counts the distinct probes asked. */
export function cachedOracle(oracle: VerdictOracle): VerdictOracle & { size(): number } {
  const cache = new Map<string, ConnectionExplanation>();
  const fn = (probe: VerdictProbe): ConnectionExplanation => {
    const key = `${probe.from}|${probe.to}|${probe.protocol}|${probe.port}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = oracle(probe);
      cache.set(key, hit);
    }
    return hit;
  };
  return Object.assign(fn, { size: () => cache.size });
}

/**
 * Loads manifests (the text of each file) through the manifest reader and the engine's model
 * builder, and returns an oracle that evaluates probes with `evaluateConnection`.
 * Throws when the manifests have errors: the demo's own manifests must be valid.
 * @example const oracle = engineOracle(renderManifestFiles(cluster).map((f) => f.text));
 */
export function engineOracle(manifestTexts: readonly string[]): VerdictOracle {
  const collected = emptyCollection();
  manifestTexts.forEach((text, i) => readManifestText(text, `demo-${i}.yaml`, collected));
  const { model, errors } = buildClusterModel(collected.input);
  const problems = [...collected.errors, ...errors];
  if (problems.length > 0) {
    const first = problems[0];
    throw new Error(`demo manifests are invalid: ${first?.path ?? ''} ${first?.message ?? ''}`);
  }
  return (probe) => {
    const src = resolveEndpoint(model, probe.from);
    const dst = resolveEndpoint(model, probe.to);
    if (!src.endpoint) throw new Error(src.error);
    if (!dst.endpoint) throw new Error(dst.error);
    return evaluateConnection(model, src.endpoint, dst.endpoint, probe.protocol, probe.port);
  };
}
