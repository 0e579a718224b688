/** The window and variables every dashboard query carries. */
export interface Scope {
  from: number;
  to: number;
  cluster: readonly string[];
  namespace: readonly string[];
}

export function scopeParams(s: Scope): Record<string, number | readonly string[]> {
  return { from: s.from, to: s.to, cluster: s.cluster, namespace: s.namespace };
}
