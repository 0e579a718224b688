/**
 * "Did the start coincide with a change?" from what the flows themselves carry: pods'
 * `app.kubernetes.io/version` (or `version`) labels. A version first seen after another
 * version of the same workload is a rollout.
 */
import type { Endpoint, Flow } from '../flow.js';
import { workloadKey } from './names.js';

const VERSION_LABELS = ['app.kubernetes.io/version', 'version', 'helm.sh/chart'];

export type ChangeLookup = (
  cluster: string,
  workload: string,
  at: number,
  windowMs: number,
) => string | null;

/** When one version of one workload (`namespace/name`) was first and last seen. */
export interface VersionSighting {
  cluster: string;
  workload: string;
  version: string;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Label maps from parsers are frozen and shared by every flow of an identity: their version
 * label is looked up once. The WeakMap lets unused maps go.
 */
const frozenVersion = new WeakMap<object, string | null>();

function versionLabel(labels: Readonly<Record<string, string>>): string | null {
  const frozen = Object.isFrozen(labels);
  if (frozen) {
    const cached = frozenVersion.get(labels);
    if (cached !== undefined) return cached;
  }
  let v: string | null = null;
  for (const l of VERSION_LABELS) {
    const x = labels[l];
    if (x !== undefined) {
      v = String(x);
      break;
    }
  }
  if (frozen) frozenVersion.set(labels, v);
  return v;
}

/** The workload key and version label of a pod endpoint, or null when it has none. */
export function versionOf(e: Endpoint): { workload: string; version: string } | null {
  if (e.kind !== 'pod') return null;
  const version = versionLabel(e.labels);
  if (version === null) return null;
  const workload = workloadKey(e);
  return workload === null ? null : { workload, version };
}

/**
 * Version sightings of a batch of flows, summed per (cluster, workload, version): what the
 * store adds to its version table as the flows come in.
 */
export class VersionSightings {
  private readonly byKey = new Map<string, VersionSighting>();

  add(f: Flow): void {
    this.addEndpoint(f, f.src);
    this.addEndpoint(f, f.dst);
  }

  private addEndpoint(f: Flow, e: Endpoint): void {
    const v = versionOf(e);
    if (v === null) return;
    const key = `${f.cluster}\u0000${v.workload}\u0000${v.version}`;
    const s = this.byKey.get(key);
    if (!s) {
      this.byKey.set(key, { cluster: f.cluster, ...v, firstSeen: f.time, lastSeen: f.time });
      return;
    }
    if (f.time < s.firstSeen) s.firstSeen = f.time;
    if (f.time > s.lastSeen) s.lastSeen = f.time;
  }

  /** Merges a sighting summed elsewhere (a prepared batch from an ingest worker). */
  addSighting(x: VersionSighting): void {
    const key = `${x.cluster}\u0000${x.workload}\u0000${x.version}`;
    const s = this.byKey.get(key);
    if (!s) {
      this.byKey.set(key, { ...x });
      return;
    }
    if (x.firstSeen < s.firstSeen) s.firstSeen = x.firstSeen;
    if (x.lastSeen > s.lastSeen) s.lastSeen = x.lastSeen;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Sorted by cluster, workload and version (a stable lock order for the stores). */
  list(): VersionSighting[] {
    return [...this.byKey.values()].sort(
      (a, b) =>
        cmp(a.cluster, b.cluster) || cmp(a.workload, b.workload) || cmp(a.version, b.version),
    );
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The first time each version of a workload was seen: from the store's version table
 * (`addSightings`) or from flows (`add`).
 */
export class VersionTracker {
  private readonly first = new Map<string, Map<string, number>>();

  private note(cluster: string, workload: string, version: string, at: number): void {
    const wl = `${cluster}\u0000${workload}`;
    let m = this.first.get(wl);
    if (!m) this.first.set(wl, (m = new Map()));
    const t = m.get(version);
    if (t === undefined || at < t) m.set(version, at);
  }

  add(events: readonly Flow[]): void {
    for (const f of events) {
      for (const e of [f.src, f.dst]) {
        const v = versionOf(e);
        if (v !== null) this.note(f.cluster, v.workload, v.version, f.time);
      }
    }
  }

  addSightings(rows: readonly VersionSighting[]): void {
    for (const r of rows) this.note(r.cluster, r.workload, r.version, r.firstSeen);
  }

  lookup(): ChangeLookup {
    const first = this.first;
    return (cluster, workload, at, windowMs) => {
      const m = first.get(`${cluster}\u0000${workload}`);
      if (!m || m.size < 2) return null;
      const sorted = [...m.entries()].sort((a, b) => a[1] - b[1]);
      for (const [version, t] of sorted.slice(1)) {
        if (Math.abs(t - at) <= windowMs) {
          const min = Math.round((at - t) / 60_000);
          return `version ${version} first seen ${min >= 0 ? `${min} min before` : `${-min} min after`} the start`;
        }
      }
      return null;
    };
  }
}

/**
 * Builds a lookup over the events seen (any verdict). Returns a description such as
 * `version 2.5.0 first seen 3 min before` or null.
 */
export function versionChanges(events: readonly Flow[]): ChangeLookup {
  const t = new VersionTracker();
  t.add(events);
  return t.lookup();
}
