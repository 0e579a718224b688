/** Port matching against rule ports, with named ports resolved on the destination pod. */
import type { Pod, PolicyPort, PolicyProtocol } from './types.js';

/** The container port number for `name`/`protocol` on `pod`, or undefined. */
export function resolveNamedPort(
  pod: Pod | null,
  name: string,
  protocol: PolicyProtocol,
): number | undefined {
  if (!pod) return undefined;
  for (const cp of pod.ports) {
    if (cp.name === name && cp.protocol === protocol && cp.port !== undefined) return cp.port;
  }
  return undefined;
}

export type PortVerdict = 'match' | 'mismatch' | 'named-unresolved';

/**
 * Does a rule's `ports` admit protocol/port towards `target` (the destination pod, or null
 * for an external destination)? `named-unresolved`: the rule names only ports that the
 * destination does not declare, so it can never match there.
 */
export function matchRulePorts(
  ports: readonly PolicyPort[] | null,
  protocol: PolicyProtocol,
  port: number,
  target: Pod | null,
): PortVerdict {
  if (ports === null) return 'match';
  let unresolvedNames = 0;
  for (const p of ports) {
    if (p.name !== undefined) {
      const n = resolveNamedPort(target, p.name, p.protocol);
      if (n === undefined) unresolvedNames++;
      else if (p.protocol === protocol && n === port) return 'match';
      continue;
    }
    if (p.protocol !== protocol) continue;
    if (p.port === undefined) return 'match';
    if (port >= p.port && port <= (p.endPort ?? p.port)) return 'match';
  }
  return unresolvedNames > 0 && unresolvedNames === ports.length ? 'named-unresolved' : 'mismatch';
}

/** `80/TCP`, `8000-8080/TCP`, `any/UDP`, `http/TCP (=8080)`. */
export function formatPolicyPort(p: PolicyPort, target: Pod | null): string {
  if (p.name !== undefined) {
    const n = resolveNamedPort(target, p.name, p.protocol);
    return `${p.name}/${p.protocol}${n === undefined ? ' (not declared)' : ` (=${n})`}`;
  }
  if (p.port === undefined) return `any/${p.protocol}`;
  const range =
    p.endPort !== undefined && p.endPort !== p.port ? `${p.port}-${p.endPort}` : `${p.port}`;
  return `${range}/${p.protocol}`;
}
