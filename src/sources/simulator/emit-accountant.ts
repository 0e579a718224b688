/**
 * Records → calico-accountant counters in Prometheus text exposition. Like the exporter, it
 * keeps cumulative packet counters per workload, direction (`fw` from / `tw` to the workload)
 * and policy: `policy_accept_counter` for packets a policy accepted, `no_policy_drop_counter`
 * for packets dropped because no rule matched. No `_total` suffix, no peers, no ports.
 */
import type { SimPod } from './cluster.js';
import type { SimRecord } from './records.js';

interface Series {
  metric: 'policy_accept_counter' | 'no_policy_drop_counter';
  labels: [string, string][];
  value: number;
}

const HELP: Record<Series['metric'], string> = {
  policy_accept_counter: 'Packets accepted by a policy on a workload',
  no_policy_drop_counter: 'Packets dropped to or from a workload because no policy matched',
};

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function policyKey(id: string): string {
  const [ns, name] = id.split('/') as [string, string];
  return `${ns}/knp.default.${name}`;
}

/** The counters one record moves: (metric, pod, type, policy, packets). */
function touches(rec: SimRecord): {
  metric: Series['metric'];
  pod: SimPod;
  type: 'fw' | 'tw';
  policy: string | null;
  packets: number;
}[] {
  const out: ReturnType<typeof touches> = [];
  const { egress, ingress } = rec.explanation;
  const packets = rec.packetsToDst;
  if (rec.src.kind === 'pod' && egress.evaluated) {
    if (!egress.allowed)
      out.push({
        metric: 'no_policy_drop_counter',
        pod: rec.src.pod,
        type: 'fw',
        policy: null,
        packets,
      });
    else if (egress.allowedBy[0])
      out.push({
        metric: 'policy_accept_counter',
        pod: rec.src.pod,
        type: 'fw',
        policy: egress.allowedBy[0].policy,
        packets,
      });
    // A packet dropped at egress never reaches the destination's chains.
    if (!egress.allowed) return out;
  }
  if (rec.dst.kind === 'pod' && ingress.evaluated) {
    if (!ingress.allowed)
      out.push({
        metric: 'no_policy_drop_counter',
        pod: rec.dst.pod,
        type: 'tw',
        policy: null,
        packets,
      });
    else if (ingress.allowedBy[0])
      out.push({
        metric: 'policy_accept_counter',
        pod: rec.dst.pod,
        type: 'tw',
        policy: ingress.allowedBy[0].policy,
        packets,
      });
  }
  return out;
}

/**
 * Cumulative counters, as one calico-accountant exporter (for the whole demo cluster) holds.
 * @example const c = new AccountantCounters(); c.add(records); c.render(Date.UTC(2026, 0, 1));
 */
export class AccountantCounters {
  private readonly series = new Map<string, Series>();

  private seriesFor(t: ReturnType<typeof touches>[number]): Series {
    const labels: [string, string][] = [
      ['pod', t.pod.name],
      ['pod_namespace', t.pod.namespace],
      ['app', t.pod.labels['app.kubernetes.io/name'] ?? t.pod.workloadName],
      ['ip', t.pod.ip],
      ['type', t.type],
    ];
    if (t.policy !== null) labels.push(['policy', policyKey(t.policy)]);
    const key = `${t.metric}{${labels.map(([k, v]) => `${k}=${v}`).join(',')}}`;
    let s = this.series.get(key);
    if (!s) {
      s = { metric: t.metric, labels, value: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  /** Makes the records' series exist at their current value (0 when new), without counting. */
  register(records: readonly SimRecord[]): void {
    for (const rec of records) for (const t of touches(rec)) this.seriesFor(t);
  }

  add(records: readonly SimRecord[]): void {
    for (const rec of records) for (const t of touches(rec)) this.seriesFor(t).value += t.packets;
  }

  get size(): number {
    return this.series.size;
  }

  /**
   * The exposition text. With `timeMs`, each sample carries that timestamp (a text dump);
   * without, it is what `/metrics` serves. `help: false` omits HELP/TYPE (later dump blocks).
   */
  render(timeMs?: number, help = true): string {
    const lines: string[] = [];
    const suffix = timeMs === undefined ? '' : ` ${timeMs}`;
    for (const metric of ['policy_accept_counter', 'no_policy_drop_counter'] as const) {
      if (help) lines.push(`# HELP ${metric} ${HELP[metric]}`, `# TYPE ${metric} counter`);
      for (const s of this.series.values()) {
        if (s.metric !== metric) continue;
        const labels = s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
        lines.push(`${metric}{${labels}} ${s.value}${suffix}`);
      }
    }
    if (help) {
      lines.push(
        '# HELP calico_accountant_dropped_scrape Scrapes ignored because every counter was below the minimum',
        '# TYPE calico_accountant_dropped_scrape counter',
      );
    }
    lines.push(`calico_accountant_dropped_scrape 0${suffix}`);
    return `${lines.join('\n')}\n`;
  }
}
