/**
 * The difference between two connectivity maps: connections added, removed, and those whose
 * ports changed. Both maps are computed over the same external ranges (split at the ipBlock
 * edges of both models), so a range in one map is comparable with the same range in the other.
 */
import {
  compareConnections,
  computeConnlist,
  type Connection,
  connectionKey,
  type ConnPeer,
  mergeExternalRanges,
} from './connlist.js';
import { externalRanges } from './external-ranges.js';
import type { ClusterModel } from './model.js';
import type { EvalOptions } from './peer-match.js';
import { isPortSetEmpty, type PortSet } from './port-set.js';
import { portSetsEqual, subtractPortSets } from './port-set-ops.js';

export interface ConnectionChange {
  src: ConnPeer;
  dst: ConnPeer;
  before: PortSet;
  after: PortSet;
  /** Allowed after, not before. */
  gained: PortSet;
  /** Allowed before, not after. */
  lost: PortSet;
}

export interface ConnlistDiff {
  added: Connection[];
  removed: Connection[];
  changed: ConnectionChange[];
}

export function isDiffEmpty(d: ConnlistDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

/** Compares two lists computed over the same external ranges (unmerged is most precise). */
export function diffConnlists(
  before: readonly Connection[],
  after: readonly Connection[],
): ConnlistDiff {
  const old = new Map(before.map((c) => [connectionKey(c), c]));
  const now = new Map(after.map((c) => [connectionKey(c), c]));
  const added = after.filter((c) => !old.has(connectionKey(c)));
  const removed = before.filter((c) => !now.has(connectionKey(c)));
  const changed: ConnectionChange[] = [];
  for (const c of after) {
    const prev = old.get(connectionKey(c));
    if (!prev || portSetsEqual(prev.ports, c.ports)) continue;
    changed.push({
      src: c.src,
      dst: c.dst,
      before: prev.ports,
      after: c.ports,
      gained: subtractPortSets(c.ports, prev.ports),
      lost: subtractPortSets(prev.ports, c.ports),
    });
  }
  changed.sort((a, b) => compareConnections({ ...a, ports: a.after }, { ...b, ports: b.after }));
  return { added: mergeExternalRanges(added), removed: mergeExternalRanges(removed), changed };
}

/**
 * What changes in connectivity from `before` to `after` (same pods, other policies).
 *
 * @example
 * const d = diffModels(oldModel, newModel);
 * d.added;   // connections only the new policies allow
 * d.changed; // same endpoints, other ports ({ gained, lost })
 */
export function diffModels(
  before: ClusterModel,
  after: ClusterModel,
  options: EvalOptions = {},
): ConnlistDiff {
  const ranges = externalRanges([before, after]);
  const opts = { ...options, ranges, mergeExternal: false };
  return diffConnlists(computeConnlist(before, opts), computeConnlist(after, opts));
}

/** Every port that a diff newly allows, per connection (added and gained), for blast radii. */
export function newlyAllowed(d: ConnlistDiff): Connection[] {
  const gained = d.changed
    .filter((c) => !isPortSetEmpty(c.gained))
    .map((c) => ({ src: c.src, dst: c.dst, ports: c.gained }));
  return mergeExternalRanges([...d.added, ...gained]);
}

/** Every port that a diff no longer allows, per connection (removed and lost). */
export function newlyDenied(d: ConnlistDiff): Connection[] {
  const lost = d.changed
    .filter((c) => !isPortSetEmpty(c.lost))
    .map((c) => ({ src: c.src, dst: c.dst, ports: c.lost }));
  return mergeExternalRanges([...d.removed, ...lost]);
}
