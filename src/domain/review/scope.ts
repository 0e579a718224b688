/** Review scope: all namespaces (null) or a set. One open review per cluster and scope. */

/** A canonical text for a scope, so the same set always names the same review line. */
export function scopeKey(scope: readonly string[] | null): string {
  return scope === null ? '*' : [...new Set(scope)].sort().join(',');
}

/** Whether a namespace (null = cluster-wide) is inside a scope. Cluster-wide items are in every scope. */
export function inScope(scope: readonly string[] | null, namespace: string | null): boolean {
  return scope === null || namespace === null || scope.includes(namespace);
}
