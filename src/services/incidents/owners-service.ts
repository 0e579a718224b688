/** Namespace owners from the cluster model and configuration (GET /api/v1/owners). */
import {
  type NamespaceMeta,
  type NamespaceOwner,
  resolveOwners,
} from '../../domain/incident/owners.js';
import type { GovernanceContext } from '../governance-context.js';
import { incidentSettings } from './incident-config.js';

/** Namespaces as the model keeps them, with the annotations that name owners and contacts. */
function namespacesOf(ctx: GovernanceContext): NamespaceMeta[] {
  const model = ctx.model();
  if (!model) return [];
  return [...model.namespaces.values()].map((n) => ({
    name: n.name,
    labels: Object.fromEntries(n.labels),
    ...(n.annotations ? { annotations: { ...n.annotations } } : {}),
  }));
}

/** Owners of every namespace known to have one; `namespaces` limits them (developer scope). */
export function listOwners(
  ctx: GovernanceContext,
  namespaces?: readonly string[],
): NamespaceOwner[] {
  const s = incidentSettings(ctx.config);
  const all = resolveOwners(namespacesOf(ctx), s.owners, s.ownerKeys, s.ownerMode);
  return namespaces ? all.filter((o) => namespaces.includes(o.namespace)) : all;
}
