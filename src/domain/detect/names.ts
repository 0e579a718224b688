/**
 * Names the detectors key on. Goldmane folds pods into `<replicaset>-*` / `<job>-*`, so one
 * Deployment appears as `api-5d8f6b9c7d-*` there and `api` in Hubble; and a CronJob's job name
 * changes every run. Keys use the owning workload so that baselines survive both.
 */
import type { Endpoint } from '../flow.js';

// Kubernetes' pod-template-hash alphabet (no vowels, no 0/1/3 lookalikes).
const TEMPLATE_HASH = /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/;
// CronJob → Job names end in the scheduled time in minutes since the epoch.
const JOB_SUFFIX = /^\d{6,}$/;

/**
 * The owning workload's name for an aggregated (`-*`) name; other names unchanged.
 * @example normaliseWorkload('api-5d8f6b9c7d-*') // 'api'
 */
export function normaliseWorkload(name: string | null | undefined): string | null {
  if (name === null || name === undefined || name === '') return null;
  if (!name.endsWith('-*')) return name;
  const base = name.slice(0, -2);
  const cut = base.lastIndexOf('-');
  if (cut > 0) {
    const tail = base.slice(cut + 1);
    if (TEMPLATE_HASH.test(tail) || JOB_SUFFIX.test(tail)) return base.slice(0, cut);
  }
  return base;
}

/** `ns/workload` of an in-cluster endpoint (pod name when no workload), or null. */
export function workloadKey(e: Endpoint): string | null {
  if (e.kind === 'external') return null;
  const name = normaliseWorkload(e.workload?.name ?? null) ?? e.pod;
  if (name === null) return null;
  return `${e.namespace ?? ''}/${name}`;
}

/** One host: a pod, or an IP, or the external group when the IP is missing. */
export function hostKey(e: Endpoint): string {
  if (e.kind === 'external') return e.ip ?? e.externalGroup ?? 'external';
  return e.pod ?? e.ip ?? workloadKey(e) ?? 'unknown';
}

/** Who is on this side, for grouping: `ns/workload` in the cluster, the IP (or group) outside. */
export function peerKey(e: Endpoint): string {
  if (e.kind === 'external') return e.ip ?? e.externalGroup ?? 'external';
  return workloadKey(e) ?? e.ip ?? 'unknown';
}

/** FNV-1a 64-bit as hex: stable ids, not security. */
export function stableHash(text: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** Keep at most `n` items of a list (samples, peers). */
export function bounded<T>(items: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  for (const i of items) {
    if (out.length >= n) break;
    out.push(i);
  }
  return out;
}
