/**
 * `netsec policy quarantine`: a NetworkPolicy that isolates a workload in both directions,
 * what it cuts, what other policies still allow, and the label-based way to cut that too.
 *
 * Exit codes: 0 plan printed; 1 usage error or unknown workload.
 */
import type { Command } from 'commander';

import {
  type QuarantinePlan,
  quarantinePlan,
  type RemainingConnection,
} from '../../domain/netpol/index.js';
import { parseFormat } from './connlist-command.js';
import { connectionJson, connectionText } from './connlist-render.js';
import { connectionLines } from './diff-render.js';
import { EXIT_OK, loadAndReport, parseBoolFlag, runPolicyAction, safe } from './policy-io.js';
import { comment, yamlDocuments } from './suggest-command.js';

const FORMATS = ['yaml', 'json'] as const;

interface QuarantineFlags {
  manifests: string[];
  workload: string;
  keepDns?: boolean;
  keepMonitoring?: string;
  labelApproach?: boolean;
  output: string;
  ipBlockMatchesPods: string;
}

function remainingLines(list: readonly RemainingConnection[], own: string): string[] {
  return list.map((r) => {
    const others = r.allowedBy.filter((a) => a.policy !== own);
    const by = others.map((a) => `${a.policy} rule ${a.rule}`).join(', ');
    const why = others.length === 0 ? 'kept by the quarantine policy' : `still allowed by ${by}`;
    return `  = ${safe(r.connection.src.name)} => ${safe(r.connection.dst.name)} : ${connectionText(r.connection.ports)} (${safe(why)})`;
  });
}

function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function renderQuarantineYaml(p: QuarantinePlan, labelApproach: boolean): string {
  const w = `${p.workload.namespace}/${p.workload.kind}/${p.workload.name}`;
  const ownId = `${p.policy.metadata.namespace}/${p.policy.metadata.name}`;
  const la = p.labelApproach;
  const laId = `${la.denyPolicy.metadata.namespace}/${la.denyPolicy.metadata.name}`;
  const stillOpen = p.remaining.filter((r) => !r.kept);
  const head = [
    `netsec policy quarantine: ${w} (${p.pods} pod(s))`,
    ...p.notes.map((n) => `note: ${n}`),
  ];
  if (!labelApproach) {
    head.push(
      `${ownId} isolates the workload for ingress and egress.`,
      p.cut.length === 0
        ? 'It cuts no connection by itself.'
        : `It cuts ${p.cut.length} connection(s):`,
      ...connectionLines(p.cut, '-', '  '),
    );
    if (stillOpen.length > 0)
      head.push(
        'NetworkPolicies add up: a deny-all policy cannot cut what another policy allows. These stay allowed:',
        ...remainingLines(p.remaining, ownId),
        `To cut them too, run with --label-approach: label the pods ${la.label.key}=${la.label.value}, deny that label, and exclude it from ${la.patched.map((m) => `${m.metadata.namespace}/${m.metadata.name}`).join(', ')}.`,
      );
    else
      head.push(
        'Nothing else allows traffic to or from the workload.',
        ...remainingLines(p.remaining, ownId),
      );
    return `${comment(head)}\n${yamlDocuments([p.policy])}`;
  }
  head.push(
    'Label approach. First label the running pods (also add the label to the pod template, or a rollout drops it):',
    `  kubectl label pods -n ${p.workload.namespace} -l ${selectorText(la.podSelector)} ${la.label.key}=${la.label.value}`,
    `then apply ${laId} and the edited policies below (each now excludes ${la.label.key}=${la.label.value}).`,
    la.cut.length === 0 ? 'It cuts no connection.' : `It cuts ${la.cut.length} connection(s):`,
    ...connectionLines(la.cut, '-', '  '),
    la.remaining.length === 0 ? 'Nothing stays allowed.' : 'What stays allowed:',
    ...remainingLines(la.remaining, laId),
  );
  return `${comment(head)}\n${yamlDocuments([la.denyPolicy, ...la.patched])}`;
}

function remainingJson(list: readonly RemainingConnection[]): object[] {
  return list.map((r) => ({
    ...connectionJson(r.connection),
    allowedBy: r.allowedBy,
    kept: r.kept,
  }));
}

export function quarantineJson(p: QuarantinePlan): Record<string, unknown> {
  return {
    workload: p.workload,
    pods: p.pods,
    policy: p.policy,
    cut: p.cut.map(connectionJson),
    remaining: remainingJson(p.remaining),
    labelApproach: {
      ...p.labelApproach,
      cut: p.labelApproach.cut.map(connectionJson),
      remaining: remainingJson(p.labelApproach.remaining),
    },
    notes: p.notes,
  };
}

async function runQuarantine(flags: QuarantineFlags): Promise<number> {
  const format = parseFormat(flags.output, FORMATS);
  const ipBlockMatchesPods = parseBoolFlag('--ip-block-matches-pods', flags.ipBlockMatchesPods);
  const { model } = await loadAndReport('quarantine', flags.manifests);
  const plan = quarantinePlan(model, flags.workload, {
    ipBlockMatchesPods,
    keepDns: flags.keepDns === true,
    ...(flags.keepMonitoring !== undefined && { keepMonitoring: flags.keepMonitoring }),
  });
  process.stdout.write(
    format === 'json'
      ? `${JSON.stringify(quarantineJson(plan), null, 2)}\n`
      : renderQuarantineYaml(plan, flags.labelApproach === true),
  );
  return EXIT_OK;
}

export function registerQuarantineCommand(policy: Command): void {
  policy
    .command('quarantine')
    .description('Isolate a workload with a NetworkPolicy and list what that cuts')
    .requiredOption('--manifests <paths...>', 'manifest files or directories (YAML, JSON, List)')
    .requiredOption('--workload <ns/kind/name>', 'the workload, e.g. shop/Deployment/cart')
    .option('--keep-dns', 'keep egress to cluster DNS (kube-system k8s-app=kube-dns, port 53)')
    .option('--keep-monitoring <namespace>', 'keep ingress from this namespace on metrics ports')
    .option('--label-approach', 'print the quarantine-label policies instead (cuts everything)')
    .option('--output <format>', `output format: ${FORMATS.join(', ')}`, 'yaml')
    .option(
      '--ip-block-matches-pods <bool>',
      'an ipBlock containing a pod IP matches that pod',
      'true',
    )
    .addHelpText('after', '\nExit codes: 0 plan printed; 1 usage error or unknown workload.')
    .action((flags: QuarantineFlags) => runPolicyAction('quarantine', () => runQuarantine(flags)));
}
