/**
 * The cluster model in force, replaceable while the server runs (the live watch rebuilds it).
 * The enricher and the dashboard's policy port built here read the holder at each call, so
 * they always answer from the newest model; per-model work (the enricher's IP index, the port)
 * is built once per model and reused until the next one.
 */
import type { Flow } from '../../domain/flow.js';
import type { ClusterModel } from '../../domain/netpol/index.js';
import { ClusterEnricher, namedCidrsOf, type NamedCidrTable } from '../cluster-enricher.js';
import { createPolicyEnginePort } from '../dashboard/netpol-adapter.js';
import type { PolicyEnginePort } from '../dashboard/policy-port.js';
import type { FlowEnricher } from '../ingest.js';

export class ModelHolder {
  private current: ClusterModel | null;
  private version = 0;

  constructor(initial: ClusterModel | null = null) {
    this.current = initial;
  }

  get(): ClusterModel | null {
    return this.current;
  }

  /** Increases with every `set`, so derived objects know when to rebuild. */
  get generation(): number {
    return this.version;
  }

  set(model: ClusterModel): void {
    this.current = model;
    this.version++;
  }
}

/** Memoises `build(model)` per model generation. */
function perModel<T>(holder: ModelHolder, build: (m: ClusterModel) => T): () => T | null {
  let built: { gen: number; value: T } | null = null;
  return () => {
    const m = holder.get();
    if (m === null) return null;
    if (built === null || built.gen !== holder.generation) {
      built = { gen: holder.generation, value: build(m) };
    }
    return built.value;
  };
}

/**
 * An enricher that uses the holder's newest model (and passes flows through while there is none).
 * @example new IngestService({ store, createParser, enricher: liveEnricher(holder) })
 */
export function liveEnricher(
  holder: ModelHolder,
  options: { onlyCluster?: string; namedCidrs?: NamedCidrTable } = {},
): FlowEnricher {
  const namedCidrs = options.namedCidrs ?? { byCluster: new Map(), other: [] };
  const current = perModel(
    holder,
    (m) => new ClusterEnricher(m, { namedCidrsFor: namedCidrsOf(namedCidrs) }),
  );
  const only = options.onlyCluster;
  return {
    enrich: (flow: Flow): Flow =>
      // A watched cluster's model says nothing about other clusters' IPs (a central dashboard).
      only !== undefined && flow.cluster !== only ? flow : (current()?.enrich(flow) ?? flow),
    workerSpec: () => ({
      generation: holder.generation,
      model: holder.get(),
      onlyCluster: only ?? null,
      namedCidrs,
    }),
  };
}

const EMPTY_PORT: PolicyEnginePort = {
  listPolicies: () => [],
  policyDetail: () => null,
  explain: () => null,
  suggestFix: () => null,
};

/** The dashboard's policy port over the holder's newest model (empty answers while there is none). */
export function livePolicyPort(holder: ModelHolder): PolicyEnginePort {
  const current = perModel(holder, createPolicyEnginePort);
  const port = (): PolicyEnginePort => current() ?? EMPTY_PORT;
  return {
    listPolicies: (namespaces) => port().listPolicies(namespaces),
    policyDetail: (namespace, name) => port().policyDetail(namespace, name),
    explain: (probe) => port().explain(probe),
    suggestFix: (probe) => port().suggestFix?.(probe) ?? null,
  };
}
