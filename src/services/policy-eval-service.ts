/**
 * Answers `netsec policy eval` probes: one NDJSON line in, one JSON object out. A bad line
 * or an unknown pod yields an `error` field on that line only.
 */
import {
  type ClusterModel,
  type ConnectionExplanation,
  type EvalOptions,
  evaluateConnection,
  POLICY_PROTOCOLS,
  type PolicyProtocol,
  resolveEndpoint,
} from '../domain/netpol/index.js';

export interface Probe {
  from: string;
  to: string;
  protocol: PolicyProtocol;
  port: number;
}

/** Validates a decoded probe; returns the probe or the reason it is not one. */
export function parseProbe(value: unknown): { probe: Probe } | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: 'a probe must be a JSON object' };
  const o = value as Record<string, unknown>;
  if (typeof o.from !== 'string' || o.from === '')
    return { error: '"from" must be "<ns>/<pod>" or an IP' };
  if (typeof o.to !== 'string' || o.to === '')
    return { error: '"to" must be "<ns>/<pod>" or an IP' };
  const protocol =
    o.protocol === undefined
      ? 'TCP'
      : typeof o.protocol === 'string'
        ? o.protocol.toUpperCase()
        : '';
  if (!POLICY_PROTOCOLS.includes(protocol as PolicyProtocol))
    return { error: '"protocol" must be TCP, UDP or SCTP' };
  const port = typeof o.port === 'string' && /^\d+$/.test(o.port) ? Number(o.port) : o.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    return { error: '"port" must be an integer from 1 to 65535' };
  return { probe: { from: o.from, to: o.to, protocol: protocol as PolicyProtocol, port } };
}

/** Evaluates a probe; `error` names an unknown pod or a malformed endpoint. */
export function evaluateProbe(
  model: ClusterModel,
  probe: Probe,
  options: EvalOptions,
): ConnectionExplanation | { error: string } {
  const src = resolveEndpoint(model, probe.from);
  if (src.error !== undefined) return { error: `from: ${src.error}` };
  const dst = resolveEndpoint(model, probe.to);
  if (dst.error !== undefined) return { error: `to: ${dst.error}` };
  return evaluateConnection(model, src.endpoint, dst.endpoint, probe.protocol, probe.port, options);
}

/**
 * One NDJSON line → the output object: the probe's fields, then `allowed`, `egress` and
 * `ingress`, or the probe's fields plus `error`. Returns null for a blank line.
 *
 * @example
 * answerProbeLine(model, '{"from":"x/a","to":"y/b","protocol":"TCP","port":80}', {});
 * // { from: 'x/a', to: 'y/b', protocol: 'TCP', port: 80, allowed: true, egress: {…}, ingress: {…} }
 */
export function answerProbeLine(
  model: ClusterModel,
  line: string,
  options: EvalOptions,
): Record<string, unknown> | null {
  if (line.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { error: `malformed JSON: ${(err as Error).message}` };
  }
  const echo = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  const parsed = parseProbe(value);
  if ('error' in parsed) return { ...echo, error: parsed.error };
  const result = evaluateProbe(model, parsed.probe, options);
  if ('error' in result) return { ...echo, error: result.error };
  return { ...echo, allowed: result.allowed, egress: result.egress, ingress: result.ingress };
}
