/**
 * "Did the start coincide with a change?" from what the flows themselves carry: pods'
 * `app.kubernetes.io/version` (or `version`) labels. A version first seen after another
 * version of the same workload is a rollout.
 */
import type { Flow } from '../flow.js';
import { workloadKey } from './names.js';

const VERSION_LABELS = ['app.kubernetes.io/version', 'version', 'helm.sh/chart'];

export type ChangeLookup = (workload: string, at: number, windowMs: number) => string | null;

/**
 * The first time each version of a workload was seen, fed page by page (raw events arrive in
 * pages; detection never needs them all in memory at once).
 */
export class VersionTracker {
  private readonly first = new Map<string, Map<string, number>>();

  add(events: readonly Flow[]): void {
    const first = this.first;
    for (const f of events) {
      for (const e of [f.src, f.dst]) {
        if (e.kind !== 'pod') continue;
        const wl = workloadKey(e);
        const label = VERSION_LABELS.find((l) => e.labels[l] !== undefined);
        if (wl === null || label === undefined) continue;
        const version = String(e.labels[label]);
        let m = first.get(wl);
        if (!m) first.set(wl, (m = new Map()));
        const t = m.get(version);
        if (t === undefined || f.time < t) m.set(version, f.time);
      }
    }
  }

  lookup(): ChangeLookup {
    const first = this.first;
    return (workload, at, windowMs) => {
      const m = first.get(workload);
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
