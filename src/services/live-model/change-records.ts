/**
 * Turns the watcher's object changes into journal records, and compares the first list after a
 * start with the journal's last known state (changes made while the server was down).
 */
import { createHash } from 'node:crypto';

import type { ObjectChange } from '../../sources/kubernetes/kube-watch.js';
import {
  jsonDiff,
  labelsOf,
  labelSummary,
  policySummary,
} from '../../sources/kubernetes/object-diff.js';
import type {
  PolicyChangeObjectKind,
  PolicyChangeRecord,
  PolicyChangeSeenBy,
  PolicyChangeType,
} from '../../store/policy-change-store.js';

type Obj = Record<string, unknown>;

/** What the journal keeps of an object: a policy's spec, a namespace's labels. */
function stateOf(kind: PolicyChangeObjectKind, o: Obj | null): unknown {
  if (o === null) return null;
  return kind === 'NetworkPolicy' ? (o['spec'] ?? null) : labelsOf(o);
}

interface Input {
  time: number;
  cluster: string;
  kind: PolicyChangeObjectKind;
  type: PolicyChangeType;
  namespace: string;
  name: string;
  resourceVersion: string | null;
  seenBy: PolicyChangeSeenBy;
  before: unknown;
  after: unknown;
}

function record(i: Input): PolicyChangeRecord {
  const id = createHash('sha256')
    .update(
      JSON.stringify([
        i.cluster,
        i.kind,
        i.namespace,
        i.name,
        i.type,
        // Without a resourceVersion the time tells changes apart.
        i.resourceVersion ?? `t${i.time}`,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
  const labels = (x: unknown): Record<string, string> =>
    typeof x === 'object' && x !== null ? (x as Record<string, string>) : {};
  const summary =
    i.kind === 'NetworkPolicy'
      ? policySummary(i.type, i.before, i.after)
      : labelSummary(i.type, labels(i.before), labels(i.after));
  const root = i.kind === 'NetworkPolicy' ? 'spec' : 'labels';
  return {
    id,
    time: i.time,
    cluster: i.cluster,
    kind: i.kind,
    type: i.type,
    namespace: i.namespace,
    name: i.name,
    resourceVersion: i.resourceVersion,
    seenBy: i.seenBy,
    summary,
    diff: jsonDiff(i.type === 'added' ? undefined : i.before, i.after ?? undefined, root),
    after: i.type === 'deleted' ? null : i.after,
  };
}

/** The journal record of one watch (or relist) change. */
export function recordOfChange(c: ObjectChange, cluster: string): PolicyChangeRecord {
  return record({
    time: c.time,
    cluster,
    kind: c.kind,
    type: c.type,
    namespace: c.namespace,
    name: c.name,
    resourceVersion: c.resourceVersion,
    seenBy: c.seenBy,
    before: stateOf(c.kind, c.before),
    after: stateOf(c.kind, c.after),
  });
}

const metaOf = (o: Obj): Obj =>
  typeof o['metadata'] === 'object' && o['metadata'] !== null ? (o['metadata'] as Obj) : {};

/**
 * Changes between the journal's last known state of `kind` and the objects listed now: new
 * objects are `added`, changed ones `modified`, vanished ones `deleted`, all timed `now`.
 */
export function startupChanges(
  kind: PolicyChangeObjectKind,
  cluster: string,
  now: number,
  listed: readonly Obj[],
  known: readonly PolicyChangeRecord[],
): PolicyChangeRecord[] {
  const last = new Map(
    known.filter((k) => k.kind === kind).map((k) => [`${k.namespace}/${k.name}`, k]),
  );
  const out: PolicyChangeRecord[] = [];
  const seen = new Set<string>();
  for (const o of listed) {
    const m = metaOf(o);
    const name = String(m['name'] ?? '');
    const namespace = kind === 'Namespace' ? name : String(m['namespace'] ?? '');
    const key = `${namespace}/${name}`;
    seen.add(key);
    const after = stateOf(kind, o);
    const prev = last.get(key);
    if (prev && JSON.stringify(prev.after) === JSON.stringify(after)) continue;
    out.push(
      record({
        time: now,
        cluster,
        kind,
        type: prev ? 'modified' : 'added',
        namespace,
        name,
        resourceVersion: typeof m['resourceVersion'] === 'string' ? m['resourceVersion'] : null,
        seenBy: 'startup',
        before: prev?.after ?? null,
        after,
      }),
    );
  }
  for (const [key, prev] of last) {
    if (seen.has(key)) continue;
    out.push(
      record({
        ...prev,
        time: now,
        type: 'deleted',
        resourceVersion: null,
        seenBy: 'startup',
        before: prev.after,
        after: null,
      }),
    );
  }
  return out;
}
