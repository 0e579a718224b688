/** Reads the policy-change journal for `GET /api/v1/policy-changes` and the reports. */
import type { PolicyChangesQuery, PolicyChangesResponse } from '../../api/source-schema.js';
import type { GovernanceContext } from '../governance-context.js';
import { resolveKubernetesConfig } from './kubernetes-config.js';
import { policyChangeStoreFor } from './policy-change-store-for.js';

const DEFAULT_WINDOW_MS = 7 * 86_400_000;

const toMs = (t: number | string | undefined): number | undefined =>
  t === undefined ? undefined : typeof t === 'number' ? t : Date.parse(t);

/**
 * Changes in [from, to), newest first, limited to the caller's namespaces when scoped.
 * @example await listPolicyChanges(ctx, { namespace: 'shop' }, accessScopeOf(req.principal))
 */
export async function listPolicyChanges(
  ctx: GovernanceContext,
  q: PolicyChangesQuery,
  scope?: { namespaces?: readonly string[] | undefined },
): Promise<PolicyChangesResponse> {
  const to = toMs(q.to) ?? ctx.now();
  const from = toMs(q.from) ?? to - DEFAULT_WINDOW_MS;
  let namespaces: string[] | undefined = q.namespace !== undefined ? [q.namespace] : undefined;
  const allowed = scope?.namespaces;
  if (allowed) namespaces = (namespaces ?? [...allowed]).filter((n) => allowed.includes(n));
  const changes = await policyChangeStoreFor(ctx.store).listPolicyChanges({
    from,
    to,
    ...(q.cluster !== undefined ? { cluster: [q.cluster] } : {}),
    ...(namespaces !== undefined ? { namespace: namespaces } : {}),
    ...(q.kind !== undefined ? { kind: [q.kind] } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
  });
  return { from, to, changes, watching: resolveKubernetesConfig(ctx.config) !== null };
}
