/**
 * Keeps the cluster model live from the Kubernetes API (kubeconfig or in-cluster credentials):
 * lists, then watches Namespaces, Pods, the workload controllers and NetworkPolicies, relisting
 * when a watch answers 410 Gone (the client's ListWatch does that, deleting what vanished), and
 * restarting a failed list or watch with backoff. NetworkPolicy changes after the first list are
 * journaled with their time, to answer "what changed before this denial started"; with
 * `onObjectChange` the caller also gets NetworkPolicy and namespace-label changes with the object
 * before and after (the server persists them), and `onChange` after any change (to rebuild).
 */
import * as k8s from '@kubernetes/client-node';

import {
  buildClusterModel,
  type ClusterModel,
  type ModelError,
} from '../../domain/netpol/index.js';
import { emptyCollection } from '../../formats/k8s-manifests/index.js';
import { collectObject } from '../../formats/k8s-manifests/objects.js';
import { Backoff, sleep } from '../backoff.js';
import type { SourceHealthSnapshot } from '../source.js';
import { HealthTracker } from '../source-health.js';
import { WATCHED_RESOURCES, type WatchedResource } from './resources.js';

type Obj = Record<string, unknown>;

export interface PolicyChange {
  /** When the change was seen (epoch ms); after a relist, when the relist found it. */
  time: number;
  type: 'added' | 'modified' | 'deleted';
  namespace: string;
  name: string;
  resourceVersion: string | null;
  /** The policy as it is now (null after a delete). */
  spec: unknown;
}

/** A NetworkPolicy or Namespace change after the first list, with the object before and after. */
export interface ObjectChange {
  time: number;
  kind: 'NetworkPolicy' | 'Namespace';
  type: PolicyChange['type'];
  namespace: string;
  name: string;
  resourceVersion: string | null;
  /** `relist`: found by a relist (after 410 Gone or a failed watch), timed at the relist. */
  seenBy: 'watch' | 'relist';
  before: Obj | null;
  after: Obj | null;
}

export interface KubeWatchOptions {
  now?: () => number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** Policy changes kept in memory (oldest dropped first). */
  maxChanges?: number;
  /** Called after the model was rebuilt. */
  onModel?: (model: ClusterModel, errors: ModelError[]) => void;
  /** Called after any object changed (the model is stale; rebuild it, debounced). */
  onChange?: () => void;
  /** NetworkPolicy changes (spec) and Namespace changes (labels) after the first list. */
  onObjectChange?: (change: ObjectChange) => void;
  /** Called once per resource kind when its first list has been applied. */
  onSynced?: (kind: string) => void;
}

/** A kubeconfig file, the in-cluster service account, or the default lookup (KUBECONFIG, ~/.kube/config). */
export function loadKubeConfig(
  opts: { kubeconfig?: string; inCluster?: boolean; context?: string } = {},
): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (opts.inCluster) kc.loadFromCluster();
  else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context))
      throw new Error(`kubeconfig has no context ${JSON.stringify(opts.context)}`);
    kc.setCurrentContext(opts.context);
  }
  return kc;
}

const meta = (o: Obj): Obj =>
  typeof o['metadata'] === 'object' && o['metadata'] !== null ? (o['metadata'] as Obj) : {};
const keyOf = (o: Obj): string =>
  `${String(meta(o)['namespace'] ?? '')}/${String(meta(o)['name'] ?? '')}`;

export class KubernetesWatcher {
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly changes: PolicyChange[] = [];
  private readonly tracker: HealthTracker;
  private readonly now: () => number;
  private current: { model: ClusterModel; errors: ModelError[] } | null = null;
  private dirty = true;
  /** Resources whose first list has completed (changes before that are the initial state). */
  private readonly synced = new Set<string>();
  /** Resources whose (re)list is being applied: changes then are `relist` changes. */
  private readonly listing = new Set<string>();

  constructor(
    private readonly kc: k8s.KubeConfig,
    private readonly opts: KubeWatchOptions = {},
    private readonly resources: readonly WatchedResource[] = WATCHED_RESOURCES,
  ) {
    this.now = opts.now ?? Date.now;
    const server = kc.getCurrentCluster()?.server ?? 'kubernetes';
    this.tracker = new HealthTracker(`kubernetes:${server}`, 'kubernetes', this.now);
    for (const r of resources) this.objects.set(r.kind, new Map());
  }

  health(): SourceHealthSnapshot {
    return this.tracker.get();
  }

  /** Whether every resource has been listed once. */
  get ready(): boolean {
    return this.synced.size === this.resources.length;
  }

  /** The model of the objects seen so far (rebuilt lazily after changes). */
  model(): { model: ClusterModel; errors: ModelError[] } {
    if (this.dirty || this.current === null) {
      const out = emptyCollection();
      for (const r of this.resources) {
        for (const o of this.objects.get(r.kind)?.values() ?? []) {
          collectObject(
            { ...o, kind: r.kind, apiVersion: r.apiVersion },
            { file: `k8s:${r.path}` },
            out,
          );
        }
      }
      const built = buildClusterModel(out.input);
      this.current = { model: built.model, errors: [...out.errors, ...built.errors] };
      this.dirty = false;
      this.opts.onModel?.(this.current.model, this.current.errors);
    }
    return this.current;
  }

  /** The objects of one kind as last seen (e.g. `NetworkPolicy`, `Namespace`). */
  objectsOf(kind: string): Record<string, unknown>[] {
    return [...(this.objects.get(kind)?.values() ?? [])];
  }

  /** NetworkPolicy changes seen at or after `sinceMs`, oldest first. */
  policyChanges(sinceMs = 0): PolicyChange[] {
    return this.changes.filter((c) => c.time >= sinceMs);
  }

  /** Lists and watches every resource until `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    await Promise.all(this.resources.map((r) => this.run(r, signal)));
    this.tracker.state('stopped');
  }

  private async run(r: WatchedResource, signal: AbortSignal): Promise<void> {
    const store = this.objects.get(r.kind) as Map<string, Obj>;
    const backoff = new Backoff(this.opts.backoff);
    const listFn = async (): Promise<{ items: Obj[]; metadata?: { resourceVersion?: string } }> => {
      const list = await r.list(this.kc);
      // The ListWatch applies the list right after this resolves; mark the resource synced after.
      this.listing.add(r.kind);
      setImmediate(() => {
        this.listing.delete(r.kind);
        if (!this.synced.has(r.kind)) {
          this.synced.add(r.kind);
          this.opts.onSynced?.(r.kind);
        }
        this.tracker.connected();
        backoff.reset();
      });
      return list;
    };
    const lw = new k8s.ListWatch<k8s.KubernetesObject>(
      r.path,
      new k8s.Watch(this.kc),
      listFn as unknown as k8s.ListPromise<k8s.KubernetesObject>,
      false,
    );
    let failed: ((err: unknown) => void) | null = null;
    const onChange =
      (type: PolicyChange['type']) =>
      (obj: k8s.KubernetesObject): void => {
        const o = obj as unknown as Obj;
        const key = keyOf(o);
        const before = store.get(key);
        if (type === 'deleted') store.delete(key);
        else store.set(key, o);
        this.dirty = true;
        this.tracker.delivered(1, this.now());
        if (r.kind === 'NetworkPolicy' && this.synced.has(r.kind)) this.journal(type, o, before);
        if ((r.kind === 'NetworkPolicy' || r.kind === 'Namespace') && this.synced.has(r.kind))
          this.report(r.kind, type, o, before);
        this.opts.onChange?.();
      };
    lw.on(k8s.ADD, onChange('added'));
    lw.on(k8s.UPDATE, onChange('modified'));
    lw.on(k8s.DELETE, onChange('deleted'));
    lw.on(k8s.ERROR, (err) => failed?.(err));
    while (!signal.aborted) {
      const onAbort = (): void => failed?.(null);
      const err = await new Promise<unknown>((resolve) => {
        failed = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
        lw.start().catch(resolve);
      });
      signal.removeEventListener('abort', onAbort);
      await lw.stop();
      if (signal.aborted) break;
      this.tracker.error(err);
      this.tracker.state('reconnecting');
      await sleep(backoff.next(), signal);
    }
  }

  private report(
    kind: ObjectChange['kind'],
    type: PolicyChange['type'],
    o: Obj,
    before: Obj | undefined,
  ): void {
    if (!this.opts.onObjectChange) return;
    if (type === 'modified' && before) {
      // Only what the policy engine reads: a policy's spec, a namespace's labels.
      const part = (x: Obj): unknown =>
        kind === 'NetworkPolicy' ? (x['spec'] ?? null) : (meta(x)['labels'] ?? {});
      if (JSON.stringify(part(before)) === JSON.stringify(part(o))) return;
    }
    const m = meta(o);
    const name = String(m['name'] ?? '');
    this.opts.onObjectChange({
      time: this.now(),
      kind,
      type,
      namespace: kind === 'Namespace' ? name : String(m['namespace'] ?? ''),
      name,
      resourceVersion: typeof m['resourceVersion'] === 'string' ? m['resourceVersion'] : null,
      seenBy: this.listing.has(kind) ? 'relist' : 'watch',
      before: before ?? null,
      after: type === 'deleted' ? null : o,
    });
  }

  private journal(type: PolicyChange['type'], o: Obj, before: Obj | undefined): void {
    const spec = type === 'deleted' ? null : (o['spec'] ?? null);
    if (
      type === 'modified' &&
      before &&
      JSON.stringify(before['spec'] ?? null) === JSON.stringify(spec)
    ) {
      return; // metadata-only update (labels, annotations): not a policy change
    }
    const m = meta(o);
    this.changes.push({
      time: this.now(),
      type,
      namespace: String(m['namespace'] ?? ''),
      name: String(m['name'] ?? ''),
      resourceVersion: typeof m['resourceVersion'] === 'string' ? m['resourceVersion'] : null,
      spec,
    });
    const max = this.opts.maxChanges ?? 10_000;
    if (this.changes.length > max) this.changes.splice(0, this.changes.length - max);
  }
}
