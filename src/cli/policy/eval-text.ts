/** Renders one evaluated connection for people (the one-off `--from/--to` form). */
import type { ConnectionExplanation, DirectionExplanation } from '../../domain/netpol/index.js';
import type { Probe } from '../../services/policy-eval-service.js';
import { safe } from './policy-io.js';

function side(name: string, who: string, d: DirectionExplanation): string[] {
  const head = `  ${name.padEnd(7)} at ${safe(who)}: `;
  if (!d.evaluated) return [`${head}not evaluated (external endpoint)`];
  if (!d.isolated) return [`${head}allowed (no policy selects it for ${name})`];
  if (d.allowed) {
    return [
      `${head}allowed by`,
      ...d.allowedBy.map((a) => `    - ${safe(a.policy)} ${name} rule #${a.rule}`),
    ];
  }
  return [
    `${head}DENIED; every policy selecting it says no:`,
    ...d.deniedBy.map((x) => `    - ${safe(x.policy)}: ${x.reason}: ${safe(x.detail)}`),
  ];
}

export function renderExplanation(probe: Probe, e: ConnectionExplanation): string {
  const title = `${safe(probe.from)} -> ${safe(probe.to)} ${probe.port}/${probe.protocol}: ${e.allowed ? 'ALLOWED' : 'DENIED'}`;
  return [
    title,
    ...side('egress', probe.from, e.egress),
    ...side('ingress', probe.to, e.ingress),
  ].join('\n');
}
