/**
 * The simulator's own record: one connection (or a burst of connections) between two peers
 * over a span of time, with the policy engine's explanation attached. Emitters turn records
 * into wire formats; tests compare what parsers read back against them.
 */
import type { ConnectionExplanation } from '../../domain/netpol/index.js';
import type { SimPod } from './cluster.js';
import type { SimProtocol, VerdictOracle } from './verdicts.js';

export type SimPeer =
  { kind: 'pod'; pod: SimPod } | { kind: 'external'; ip: string; dnsName: string | null };

export interface SimRecord {
  /** Start of the span, epoch ms. */
  time: number;
  durationMs: number;
  src: SimPeer;
  dst: SimPeer;
  protocol: SimProtocol;
  port: number;
  /** Connection attempts in the span. */
  flows: number;
  packetsToDst: number;
  packetsToSrc: number;
  bytesToDst: number;
  bytesToSrc: number;
  explanation: ConnectionExplanation;
  /** Catalogue connection id, or the scenario id that produced the record. */
  origin: string;
  scenarioId: string | null;
}

export function peerText(peer: SimPeer): string {
  return peer.kind === 'pod' ? `${peer.pod.namespace}/${peer.pod.name}` : peer.ip;
}

export function peerIp(peer: SimPeer): string {
  return peer.kind === 'pod' ? peer.pod.ip : peer.ip;
}

/** Which side's policy decided: the denying side, else the side that observed it first. */
export function decidingSide(rec: Pick<SimRecord, 'explanation' | 'src'>): 'egress' | 'ingress' {
  const { egress, ingress } = rec.explanation;
  if (egress.evaluated && !egress.allowed) return 'egress';
  if (ingress.evaluated && !ingress.allowed) return 'ingress';
  return rec.src.kind === 'pod' ? 'egress' : 'ingress';
}

export function isAllowed(rec: Pick<SimRecord, 'explanation'>): boolean {
  return rec.explanation.allowed;
}

export interface CounterInput {
  flows: number;
  bytesOut: number;
  bytesIn: number;
  protocol: SimProtocol;
  allowed: boolean;
}

/** Packets and bytes for `flows` connections; a denied one carries only its first packets. */
export function counters(
  input: CounterInput,
): Pick<SimRecord, 'packetsToDst' | 'packetsToSrc' | 'bytesToDst' | 'bytesToSrc'> {
  const { flows, protocol, allowed } = input;
  if (!allowed) {
    // A dropped TCP SYN is retransmitted about twice; a dropped datagram is just itself.
    const perFlow = protocol === 'TCP' ? 3 : 1;
    const size = protocol === 'TCP' ? 60 : Math.max(40, Math.round(input.bytesOut / flows));
    return {
      packetsToDst: flows * perFlow,
      packetsToSrc: 0,
      bytesToDst: flows * perFlow * size,
      bytesToSrc: 0,
    };
  }
  const mtu = 1400;
  const overhead = protocol === 'TCP' ? 4 : 0;
  return {
    packetsToDst: Math.ceil(input.bytesOut / mtu) + flows * (1 + overhead / 2),
    packetsToSrc: Math.ceil(input.bytesIn / mtu) + flows * (overhead / 2),
    bytesToDst: Math.round(input.bytesOut),
    bytesToSrc: Math.round(input.bytesIn),
  };
}

/** Builds a record, asking the oracle for the verdict of its (from, to, protocol, port). */
export function makeRecord(
  oracle: VerdictOracle,
  base: Omit<
    SimRecord,
    'explanation' | 'packetsToDst' | 'packetsToSrc' | 'bytesToDst' | 'bytesToSrc'
  >,
  bytesOut: number,
  bytesIn: number,
): SimRecord {
  const explanation = oracle({
    from: peerText(base.src),
    to: peerText(base.dst),
    protocol: base.protocol,
    port: base.port,
  });
  const c = counters({
    flows: base.flows,
    bytesOut,
    bytesIn,
    protocol: base.protocol,
    allowed: explanation.allowed,
  });
  return {
    time: base.time,
    durationMs: base.durationMs,
    src: base.src,
    dst: base.dst,
    protocol: base.protocol,
    port: base.port,
    flows: base.flows,
    packetsToDst: c.packetsToDst,
    packetsToSrc: c.packetsToSrc,
    bytesToDst: c.bytesToDst,
    bytesToSrc: c.bytesToSrc,
    explanation,
    origin: base.origin,
    scenarioId: base.scenarioId,
  };
}
