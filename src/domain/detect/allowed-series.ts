/**
 * Allowed traffic as series: one per connection (workload → workload or external group,
 * protocol, port, source format) and per workload's total egress and ingress. The unit is
 * bytes where the source reports them, flows otherwise.
 */
import { SOURCE_CAPABILITIES, type SourceFormat } from '../flow.js';
import type { Finding } from './finding.js';
import { normaliseWorkload } from './names.js';

/** A rollup row as the store returns it, grouped by bucket and the connection fields. */
export interface AllowedRow {
  bucket: number;
  cluster: string;
  srcNamespace: string | null;
  srcWorkload: string | null;
  srcKind: string;
  dstNamespace: string | null;
  dstWorkload: string | null;
  dstKind: string;
  protocol: string;
  port: number | null;
  source: SourceFormat;
  flows: number | null;
  bytes: number | null;
}

/** The connection fields of a rollup row, without its bucket and sums. */
export type AllowedKey = Omit<AllowedRow, 'bucket' | 'flows' | 'bytes'>;

/** Sums of one bucket or step (`start`) of a key. */
export interface AllowedBin {
  start: number;
  flows: number | null;
  bytes: number | null;
}

export type SeriesKind = 'connection' | 'egress-total' | 'ingress-total' | 'egress-external';

export interface AllowedSeries {
  id: string;
  kind: SeriesKind;
  cluster: string;
  /** The in-cluster side the series is about. */
  namespace: string | null;
  workload: string | null;
  /** The other side (`ns/workload` or an external group), null for totals. */
  peer: string | null;
  peerExternal: boolean;
  /** True when the subject receives (peer → subject). */
  inbound: boolean;
  protocol: string | null;
  port: number | null;
  source: SourceFormat;
  unit: Finding['evidence']['unit'];
  firstSeen: number;
  /** Hour bucket → value (history, 1-hour tier). */
  hourly: Map<number, number>;
  /** Totals over the history: value and flows, for the typical value per flow. */
  historyValue: number;
  historyFlows: number;
  /**
   * Typical value per flow for the noise estimate: a connection's own mean; for a total, the
   * largest mean among its connections (a few huge flows make the total lumpy).
   */
  perFlow: number;
  /** Step start → value, flows and bytes (recent, 1-minute tier summed into steps). */
  steps: Map<number, { value: number; flows: number; bytes: number | null }>;
}

export function sideName(ns: string | null, wl: string | null, kind: string): string {
  if (kind === 'external') return `${wl ?? 'external'}`;
  return `${ns ?? ''}/${normaliseWorkload(wl) ?? '?'}`;
}

function unitOf(source: SourceFormat): Finding['evidence']['unit'] {
  return SOURCE_CAPABILITIES[source].bytes ? 'bytes' : 'flows';
}

export class SeriesBuilder {
  readonly series = new Map<string, AllowedSeries>();

  constructor(private readonly stepMs: number) {}

  private get(
    id: string,
    init: Omit<
      AllowedSeries,
      'id' | 'hourly' | 'steps' | 'firstSeen' | 'unit' | 'historyValue' | 'historyFlows' | 'perFlow'
    >,
  ): AllowedSeries {
    let s = this.series.get(id);
    if (!s) {
      s = {
        id,
        ...init,
        unit: unitOf(init.source),
        firstSeen: Infinity,
        hourly: new Map(),
        historyValue: 0,
        historyFlows: 0,
        perFlow: 1,
        steps: new Map(),
      };
      this.series.set(id, s);
    }
    return s;
  }

  /** Sets `perFlow` once every row is in; returns the series. */
  finish(): AllowedSeries[] {
    const all = [...this.series.values()];
    const mean = (x: AllowedSeries): number =>
      x.historyFlows > 0 ? Math.max(1, x.historyValue / x.historyFlows) : 1;
    const totalOf = new Map<string, number>();
    for (const x of all) {
      if (x.kind !== 'connection') continue;
      x.perFlow = mean(x);
      const me = `${x.namespace}/${x.workload}`;
      const ids = x.inbound
        ? [`ingress-total|${x.cluster}|${me}`]
        : [`egress-total|${x.cluster}|${me}`, `egress-external|${x.cluster}|${me}`];
      if (!x.inbound && !x.peerExternal) ids.push(`ingress-total|${x.cluster}|${x.peer}`);
      for (const id of ids) {
        const k = `${id}|${x.source}`;
        totalOf.set(k, Math.max(totalOf.get(k) ?? 1, x.perFlow));
      }
    }
    for (const x of all) {
      if (x.kind !== 'connection')
        x.perFlow =
          totalOf.get(`${x.kind}|${x.cluster}|${x.namespace}/${x.workload}|${x.source}`) ?? mean(x);
    }
    return all;
  }

  /** Adds one row of the 1-hour tier (`tier: 'hour'`) or the 1-minute tier (`'step'`). */
  add(row: AllowedRow, tier: 'hour' | 'step'): void {
    this.addBins(row, [{ start: row.bucket, flows: row.flows, bytes: row.bytes }], tier);
  }

  /**
   * Adds one connection key's sums per bucket or step (`bins`, as a binned rollup read gives
   * them): the series the key touches are found once, then every bin is added to them.
   */
  addBins(row: AllowedKey, bins: readonly AllowedBin[], tier: 'hour' | 'step'): void {
    if (row.source === 'accountant') return; // no peer, no bytes: nothing to key on
    const srcExt = row.srcKind === 'external';
    const dstExt = row.dstKind === 'external';
    if (srcExt && dstExt) return;
    const src = sideName(row.srcNamespace, row.srcWorkload, row.srcKind);
    const dst = sideName(row.dstNamespace, row.dstWorkload, row.dstKind);
    const inbound = srcExt;
    const [ns, wl] = inbound
      ? [row.dstNamespace, normaliseWorkload(row.dstWorkload)]
      : [row.srcNamespace, normaliseWorkload(row.srcWorkload)];
    const common = { cluster: row.cluster, namespace: ns, workload: wl, source: row.source };
    const touched: AllowedSeries[] = [
      this.get(`c|${row.cluster}|${src}|${dst}|${row.protocol}|${row.port ?? ''}|${row.source}`, {
        ...common,
        kind: 'connection',
        peer: inbound ? src : dst,
        peerExternal: inbound ? srcExt : dstExt,
        inbound,
        protocol: row.protocol,
        port: row.port,
      }),
    ];
    const total = (
      kind: SeriesKind,
      side: string,
      sns: string | null,
      swl: string | null,
      inb: boolean,
    ): AllowedSeries =>
      this.get(`${kind}|${row.cluster}|${side}|${row.source}`, {
        cluster: row.cluster,
        namespace: sns,
        workload: swl,
        source: row.source,
        kind,
        peer: null,
        peerExternal: kind === 'egress-external',
        inbound: inb,
        protocol: null,
        port: null,
      });
    if (!srcExt) {
      touched.push(
        total('egress-total', src, row.srcNamespace, normaliseWorkload(row.srcWorkload), false),
      );
      if (dstExt)
        touched.push(
          total(
            'egress-external',
            src,
            row.srcNamespace,
            normaliseWorkload(row.srcWorkload),
            false,
          ),
        );
    }
    if (!dstExt)
      touched.push(
        total('ingress-total', dst, row.dstNamespace, normaliseWorkload(row.dstWorkload), true),
      );
    for (const s of touched) {
      for (const bin of bins) {
        const value = s.unit === 'bytes' ? (bin.bytes ?? 0) : (bin.flows ?? 0);
        s.firstSeen = Math.min(s.firstSeen, bin.start);
        if (tier === 'hour') {
          s.hourly.set(bin.start, (s.hourly.get(bin.start) ?? 0) + value);
          s.historyValue += value;
          s.historyFlows += bin.flows ?? 0;
        } else {
          const step = bin.start - (bin.start % this.stepMs);
          const cur = s.steps.get(step) ?? { value: 0, flows: 0, bytes: null };
          cur.value += value;
          cur.flows += bin.flows ?? 0;
          if (bin.bytes !== null) cur.bytes = (cur.bytes ?? 0) + bin.bytes;
          s.steps.set(step, cur);
        }
      }
    }
  }
}
