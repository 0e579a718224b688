/**
 * Validates a NetworkPolicy `spec` as written and compiles it into the engine's form.
 * Every problem is reported with its field path; a policy with any error is not used,
 * because the API server would have rejected it.
 */
import { type Cidr, cidrWithin, parseCidr } from '../ip.js';
import { portNameProblem } from './port-name.js';
import { compileSelector, MATCH_ALL } from './selector.js';
import type {
  ModelError,
  NetworkPolicy,
  NetworkPolicyInput,
  PolicyPeer,
  PolicyPort,
  PolicyProtocol,
  PolicyRule,
} from './types.js';
import { POLICY_PROTOCOLS } from './types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * Compiles one policy. Returns the policy (null when invalid) and its errors, each tagged
 * with the policy's origin and `NetworkPolicy ns/name`.
 *
 * @example
 * const { policy, errors } = compilePolicy({
 *   namespace: 'shop', name: 'web', spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] },
 * });
 */
export function compilePolicy(input: NetworkPolicyInput): {
  policy: NetworkPolicy | null;
  errors: ModelError[];
} {
  const namespace = input.namespace ?? 'default';
  const errors: ModelError[] = [];
  const spec = input.spec;
  let policy: NetworkPolicy | null = null;
  if (!isRecord(spec)) {
    errors.push({ path: 'spec', message: 'must be an object' });
  } else {
    policy = compileSpec(namespace, input, spec, errors);
  }
  const object = `NetworkPolicy ${namespace}/${input.name}`;
  const located = errors.map((e) => ({
    ...e,
    object,
    ...(input.origin && { origin: input.origin }),
  }));
  return { policy: located.length === 0 ? policy : null, errors: located };
}

function compileSpec(
  namespace: string,
  input: NetworkPolicyInput,
  spec: Record<string, unknown>,
  errors: ModelError[],
): NetworkPolicy {
  const ps = compileSelector(spec.podSelector, 'spec.podSelector');
  errors.push(...ps.errors);
  const ingress = compileRules(spec.ingress, 'spec.ingress', 'from', errors);
  const egress = compileRules(spec.egress, 'spec.egress', 'to', errors);
  let affects = { ingress: true, egress: egress.length > 0 };
  if (present(spec.policyTypes)) {
    if (!Array.isArray(spec.policyTypes)) {
      errors.push({ path: 'spec.policyTypes', message: 'must be a list' });
    } else {
      affects = { ingress: false, egress: false };
      spec.policyTypes.forEach((t: unknown, i: number) => {
        if (t === 'Ingress') affects.ingress = true;
        else if (t === 'Egress') affects.egress = true;
        else
          errors.push({
            path: `spec.policyTypes[${i}]`,
            message: `unknown policy type ${JSON.stringify(t)}; expected Ingress or Egress`,
          });
      });
    }
  }
  return {
    namespace,
    name: input.name,
    id: `${namespace}/${input.name}`,
    podSelector: ps.selector ?? MATCH_ALL,
    affects,
    ingress,
    egress,
    ...(input.origin && { origin: input.origin }),
  };
}

function compileRules(
  raw: unknown,
  path: string,
  peerField: 'from' | 'to',
  errors: ModelError[],
): PolicyRule[] {
  if (!present(raw)) return [];
  if (!Array.isArray(raw)) {
    errors.push({ path, message: 'must be a list of rules' });
    return [];
  }
  return raw.map((r: unknown, i: number): PolicyRule => {
    const p = `${path}[${i}]`;
    if (!isRecord(r)) {
      errors.push({ path: p, message: 'must be an object' });
      return { index: i + 1, peers: [], ports: [] };
    }
    return {
      index: i + 1,
      peers: compilePeers(r[peerField], `${p}.${peerField}`, errors),
      ports: compilePorts(r.ports, `${p}.ports`, errors),
    };
  });
}

function compilePeers(raw: unknown, path: string, errors: ModelError[]): PolicyPeer[] | null {
  if (!present(raw)) return null;
  if (!Array.isArray(raw)) {
    errors.push({ path, message: 'must be a list of peers' });
    return [];
  }
  if (raw.length === 0) return null;
  const peers: PolicyPeer[] = [];
  raw.forEach((peer: unknown, i: number) => {
    const p = `${path}[${i}]`;
    if (!isRecord(peer)) {
      errors.push({ path: p, message: 'must be an object' });
      return;
    }
    const hasNs = present(peer.namespaceSelector);
    const hasPod = present(peer.podSelector);
    if (present(peer.ipBlock)) {
      if (hasNs || hasPod) {
        errors.push({
          path: p,
          message: 'ipBlock may not be combined with podSelector or namespaceSelector',
        });
        return;
      }
      const block = compileIpBlock(peer.ipBlock, `${p}.ipBlock`, errors);
      if (block) peers.push(block);
      return;
    }
    if (!hasNs && !hasPod) {
      errors.push({ path: p, message: 'must specify podSelector, namespaceSelector or ipBlock' });
      return;
    }
    const ns = hasNs ? compileSelector(peer.namespaceSelector, `${p}.namespaceSelector`) : null;
    const pod = hasPod ? compileSelector(peer.podSelector, `${p}.podSelector`) : null;
    errors.push(...(ns?.errors ?? []), ...(pod?.errors ?? []));
    peers.push({
      kind: 'pods',
      namespaceSelector: ns ? (ns.selector ?? MATCH_ALL) : null,
      podSelector: pod ? (pod.selector ?? MATCH_ALL) : null,
    });
  });
  return peers;
}

function compileIpBlock(raw: unknown, p: string, errors: ModelError[]): PolicyPeer | null {
  if (!isRecord(raw)) {
    errors.push({ path: p, message: 'must be an object' });
    return null;
  }
  const cidr = typeof raw.cidr === 'string' ? parseCidr(raw.cidr) : null;
  if (!cidr) {
    errors.push({ path: `${p}.cidr`, message: `invalid CIDR ${JSON.stringify(raw.cidr ?? null)}` });
    return null;
  }
  const except: Cidr[] = [];
  if (present(raw.except)) {
    if (!Array.isArray(raw.except)) {
      errors.push({ path: `${p}.except`, message: 'must be a list of CIDRs' });
      return null;
    }
    raw.except.forEach((x: unknown, i: number) => {
      const ep = `${p}.except[${i}]`;
      const c = typeof x === 'string' ? parseCidr(x) : null;
      if (!c) errors.push({ path: ep, message: `invalid CIDR ${JSON.stringify(x)}` });
      else if (!cidrWithin(c, cidr) || c.prefix <= cidr.prefix)
        errors.push({ path: ep, message: `${c.text} is not a strict subset of ${cidr.text}` });
      else except.push(c);
    });
  }
  return { kind: 'ipBlock', cidr, except };
}

function compilePorts(raw: unknown, path: string, errors: ModelError[]): PolicyPort[] | null {
  if (!present(raw)) return null;
  if (!Array.isArray(raw)) {
    errors.push({ path, message: 'must be a list of ports' });
    return [];
  }
  if (raw.length === 0) return null;
  const out: PolicyPort[] = [];
  raw.forEach((entry: unknown, i: number) => {
    const port = compilePort(entry, `${path}[${i}]`, errors);
    if (port) out.push(port);
  });
  return out;
}

function compilePort(raw: unknown, p: string, errors: ModelError[]): PolicyPort | null {
  if (!isRecord(raw)) {
    errors.push({ path: p, message: 'must be an object' });
    return null;
  }
  let protocol: PolicyProtocol = 'TCP';
  if (present(raw.protocol)) {
    if (!POLICY_PROTOCOLS.includes(raw.protocol as PolicyProtocol)) {
      errors.push({
        path: `${p}.protocol`,
        message: `unknown protocol ${JSON.stringify(raw.protocol)}; expected TCP, UDP or SCTP`,
      });
      return null;
    }
    protocol = raw.protocol as PolicyProtocol;
  }
  const out: PolicyPort = { protocol };
  const port = raw.port;
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      errors.push({ path: `${p}.port`, message: `port ${port} is outside 1-65535` });
      return null;
    }
    out.port = port;
  } else if (typeof port === 'string') {
    const problem = portNameProblem(port);
    if (problem) {
      errors.push({
        path: `${p}.port`,
        message: `invalid port name ${JSON.stringify(port)}: ${problem}`,
      });
      return null;
    }
    out.name = port;
  } else if (present(port)) {
    errors.push({ path: `${p}.port`, message: 'must be a number or a port name' });
    return null;
  }
  if (present(raw.endPort)) {
    const end = raw.endPort;
    if (typeof end !== 'number' || !Number.isInteger(end) || end < 1 || end > 65535) {
      errors.push({
        path: `${p}.endPort`,
        message: `endPort ${JSON.stringify(end)} is outside 1-65535`,
      });
      return null;
    }
    if (out.port === undefined) {
      errors.push({
        path: `${p}.endPort`,
        message: out.name ? 'endPort may not be used with a named port' : 'endPort requires port',
      });
      return null;
    }
    if (end < out.port) {
      errors.push({ path: `${p}.endPort`, message: `endPort ${end} is below port ${out.port}` });
      return null;
    }
    out.endPort = end;
  }
  return out;
}
