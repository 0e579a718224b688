/**
 * The live cluster model of a running server: a Kubernetes watch whose model is rebuilt
 * (debounced, not per event) into a ModelHolder, and whose NetworkPolicy and namespace-label
 * changes are written to the policy-change journal.
 *
 * @example
 * const live = new LiveCluster({ kubeConfig: loadKubeConfig({ kubeconfig }), cluster: 'prod',
 *   holder, journal: policyChangeStoreFor(services.store) });
 * live.start();
 */
import type { ModelError } from '../../domain/netpol/index.js';
import { KubernetesWatcher, type loadKubeConfig } from '../../sources/kubernetes/kube-watch.js';
import type { SourceHealthSnapshot } from '../../sources/source.js';
import type { PolicyChangeRecord, PolicyChangeStore } from '../../store/policy-change-store.js';
import { recordOfChange, startupChanges } from './change-records.js';
import type { ModelHolder } from './model-holder.js';

export interface LiveClusterOptions {
  kubeConfig: ReturnType<typeof loadKubeConfig>;
  /** The cluster name of this cluster's flows and journal entries. */
  cluster: string;
  holder: ModelHolder;
  /** Where policy changes go; null keeps them in the watcher's memory only. */
  journal: PolicyChangeStore | null;
  /** Quiet time before a rebuild (default 1000 ms); a steady stream rebuilds at least every 10×. */
  debounceMs?: number;
  now?: () => number;
  backoff?: { initialMs?: number; maxMs?: number };
  onError?: (what: string, err: unknown) => void;
  onModel?: (summary: { pods: number; policies: number; errors: ModelError[] }) => void;
}

export class LiveCluster {
  readonly watcher: KubernetesWatcher;
  private readonly ac = new AbortController();
  private run: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstPending: number | null = null;
  private writes: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly opts: LiveClusterOptions) {
    this.now = opts.now ?? Date.now;
    this.watcher = new KubernetesWatcher(opts.kubeConfig, {
      now: this.now,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      onChange: () => this.schedule(),
      onObjectChange: (c) => this.write(() => [recordOfChange(c, opts.cluster)]),
      onSynced: (kind) => this.synced(kind),
    });
  }

  start(): void {
    this.run ??= this.watcher.start(this.ac.signal);
  }

  health(): SourceHealthSnapshot {
    return this.watcher.health();
  }

  /** Rebuilds the model now (also what the debounce timer calls). */
  rebuild(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.firstPending = null;
    const { model, errors } = this.watcher.model();
    this.opts.holder.set(model);
    this.opts.onModel?.({ pods: model.pods.length, policies: model.policies.length, errors });
  }

  /** Resolves once every journal write queued so far has finished. */
  flushed(): Promise<void> {
    return this.writes;
  }

  async stop(): Promise<void> {
    this.ac.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.run;
    await this.writes;
  }

  private schedule(): void {
    // Until every resource is listed a model would be partial (pods without their policies);
    // the first complete list rebuilds at once (synced).
    if (!this.watcher.ready) return;
    const debounce = this.opts.debounceMs ?? 1000;
    const t = this.now();
    this.firstPending ??= t;
    if (this.timer) clearTimeout(this.timer);
    // Trailing debounce, but a cluster that never goes quiet still gets a fresh model.
    const wait = Math.max(0, Math.min(debounce, this.firstPending + debounce * 10 - t));
    this.timer = setTimeout(() => this.rebuild(), wait);
    this.timer.unref();
  }

  private synced(kind: string): void {
    if (this.watcher.ready) this.rebuild(); // the first complete model, without waiting
    if (kind !== 'NetworkPolicy' && kind !== 'Namespace') return;
    const journal = this.opts.journal;
    if (!journal) return;
    // What changed while nobody watched: the listed objects against the journal's last state.
    const listed = this.watcher.objectsOf(kind);
    const at = this.now();
    this.writes = this.writes
      .then(async () => {
        const known = await journal.latestPolicyStates(this.opts.cluster);
        const changes = startupChanges(kind, this.opts.cluster, at, listed, known);
        if (changes.length > 0) await journal.recordPolicyChanges(changes);
      })
      .catch((err: unknown) => this.opts.onError?.('policy-change journal', err));
  }

  private write(records: () => PolicyChangeRecord[]): void {
    const journal = this.opts.journal;
    if (!journal) return;
    // One write at a time, in order, so the journal's order is the order seen.
    this.writes = this.writes
      .then(async () => {
        await journal.recordPolicyChanges(records());
      })
      .catch((err: unknown) => this.opts.onError?.('policy-change journal', err));
  }
}
