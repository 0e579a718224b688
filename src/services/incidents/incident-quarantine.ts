/**
 * Quarantine: the deny-all policy for a workload and its blast radius (a plan, recorded on the
 * timeline), and the separate, confirmed action that applies or lifts it through the Kubernetes API.
 */
import { stringify } from 'yaml';

import type { QuarantineApplyResponse, QuarantinePlanResponse } from '../../api/incident-schema.js';
import {
  type ClusterModel,
  formatPortSet,
  type QuarantinePlan,
  quarantinePlan,
} from '../../domain/netpol/index.js';
import type { GovernanceContext } from '../governance-context.js';
import { incidentSettings } from './incident-config.js';
import { IncidentError } from './incident-errors.js';
import { type Actor, auditIncident, getIncidentView } from './incident-service.js';
import { incidentStoreFor } from './incident-store-for.js';
import { createNetworkPolicy, deleteNetworkPolicy, kubeSettings } from './kube-network-policies.js';

export interface QuarantineOptionsBody {
  workload?: string | undefined;
  keepDns?: boolean | undefined;
  keepMonitoringFrom?: string | undefined;
}

/** `ns/Kind/name` as given, or `ns/name` completed with the kind the model knows. */
function workloadText(model: ClusterModel, text: string): string {
  const parts = text.split('/');
  if (parts.length !== 2) return text;
  const [ns, name] = parts as [string, string];
  const pod = model.pods.find((p) => p.workload.namespace === ns && p.workload.name === name);
  return pod ? `${ns}/${pod.workload.kind}/${name}` : text;
}

interface Planned {
  plan: QuarantinePlan;
  workload: string;
  response: QuarantinePlanResponse;
}

async function makePlan(
  ctx: GovernanceContext,
  id: string,
  body: QuarantineOptionsBody,
): Promise<Planned> {
  const view = await getIncidentView(ctx, id, undefined);
  const model = ctx.model();
  if (!model)
    throw new IncidentError(409, 'no cluster model is loaded, so no quarantine can be planned');
  const given = body.workload ?? view.workload;
  if (!given)
    throw new IncidentError(
      400,
      'the incident names no workload: give one as <namespace>/<Kind>/<name>',
    );
  const workload = workloadText(model, given);
  const q = incidentSettings(ctx.config).quarantine;
  const monitoring = body.keepMonitoringFrom ?? q.keepMonitoringFrom;
  let plan: QuarantinePlan;
  try {
    plan = quarantinePlan(model, workload, {
      keepDns: body.keepDns ?? q.keepDns,
      ...(monitoring ? { keepMonitoring: monitoring } : {}),
    });
  } catch (err) {
    throw new IncidentError(400, (err as Error).message);
  }
  const yaml = stringify(plan.policy);
  const { namespace, name } = plan.policy.metadata;
  return {
    plan,
    workload,
    response: {
      workload,
      pods: plan.pods,
      policy: { namespace, name },
      yaml,
      cut: plan.cut.map((c) => `cuts ${c.src.name} → ${c.dst.name} ${formatPortSet(c.ports)}`),
      remaining: plan.remaining.map(
        (r) =>
          `still allowed: ${r.connection.src.name} → ${r.connection.dst.name} ${formatPortSet(r.connection.ports)}${r.kept ? ' (kept on purpose)' : ` by ${r.allowedBy.map((a) => a.policy).join(', ')}`}`,
      ),
      notes: plan.notes,
      clusterApi: kubeSettings(ctx.config) !== null,
      kubectl: `kubectl apply -f quarantine.yaml   # then: kubectl -n ${namespace} delete networkpolicy ${name} to lift it`,
    },
  };
}

export async function planQuarantine(
  ctx: GovernanceContext,
  id: string,
  body: QuarantineOptionsBody,
  actor: Actor,
): Promise<QuarantinePlanResponse> {
  const p = await makePlan(ctx, id, body);
  await incidentStoreFor(ctx.store).addTimelineEntry(id, {
    time: ctx.now(),
    actor: actor.name,
    kind: 'quarantine-plan',
    text: `Quarantine planned for ${p.workload}: cuts ${p.response.cut.length} connection(s), ${p.response.remaining.length} remain`,
    details: {
      workload: p.workload,
      policy: p.response.policy,
      yaml: p.response.yaml,
      cut: p.response.cut,
      remaining: p.response.remaining,
    },
  });
  await auditIncident(ctx, actor, 'incident.quarantine.plan', id, {
    workload: p.workload,
    policy: p.response.policy,
  });
  return p.response;
}

export async function applyQuarantine(
  ctx: GovernanceContext,
  id: string,
  body: QuarantineOptionsBody & {
    workload: string;
    confirm: string;
    action?: 'apply' | 'lift' | undefined;
  },
  actor: Actor,
): Promise<QuarantineApplyResponse> {
  const action = body.action ?? 'apply';
  const p = await makePlan(ctx, id, body);
  const name = p.plan.workload.name;
  if (body.confirm !== name)
    throw new IncidentError(
      400,
      `confirm with the workload's name "${name}" to ${action} the quarantine`,
    );
  const settings = kubeSettings(ctx.config);
  const { namespace, name: policyName } = p.response.policy;
  if (!settings) {
    await auditIncident(
      ctx,
      actor,
      `incident.quarantine.${action}`,
      id,
      { workload: p.workload, reason: 'no cluster API' },
      'failed',
    );
    throw new IncidentError(
      409,
      `no Kubernetes API is configured (config kubernetes.kubeconfig or kubernetes.inCluster); apply the planned YAML with kubectl instead`,
    );
  }
  let message: string;
  let applied: boolean;
  try {
    if (action === 'apply') {
      const r = await createNetworkPolicy(settings, p.plan.policy);
      ({ message } = r);
      applied = true;
    } else {
      const r = await deleteNetworkPolicy(settings, namespace, policyName);
      ({ message } = r);
      applied = r.deleted;
    }
  } catch (err) {
    await auditIncident(
      ctx,
      actor,
      `incident.quarantine.${action}`,
      id,
      { workload: p.workload, error: (err as Error).message },
      'failed',
    );
    throw new IncidentError(502, (err as Error).message);
  }
  await incidentStoreFor(ctx.store).addTimelineEntry(id, {
    time: ctx.now(),
    actor: actor.name,
    kind: 'quarantine-apply',
    text:
      action === 'apply'
        ? `Quarantine applied to ${p.workload}: ${message}`
        : `Quarantine lifted from ${p.workload}: ${message}`,
    details: { action, workload: p.workload, policy: p.response.policy },
  });
  await auditIncident(ctx, actor, `incident.quarantine.${action}`, id, {
    workload: p.workload,
    policy: p.response.policy,
    message,
  });
  return {
    action,
    applied,
    policy: p.response.policy,
    message,
    yaml: p.response.yaml,
    kubectl: p.response.kubectl,
  };
}
