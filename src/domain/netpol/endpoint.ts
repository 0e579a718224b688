/** The two ends of a probe: a pod of the model, or an IP address outside it. */
import { parseIp } from '../ip.js';
import type { ClusterModel } from './model.js';
import type { Pod } from './types.js';

export type Endpoint =
  { kind: 'pod'; pod: Pod } | { kind: 'ip'; ip: string; addr: { value: bigint; bits: 32 | 128 } };

/** The pod `ns/name`, or undefined. */
export function podEndpoint(model: ClusterModel, key: string): Endpoint | undefined {
  const id = model.index.podByKey.get(key);
  const pod = id === undefined ? undefined : model.pods[id];
  return pod ? { kind: 'pod', pod } : undefined;
}

/** An external IP endpoint, or undefined when the text is not an IP address. */
export function ipEndpoint(ip: string): Endpoint | undefined {
  const addr = parseIp(ip);
  return addr ? { kind: 'ip', ip, addr } : undefined;
}

/**
 * Resolves probe text: `ns/name` names a pod; an IP address is that pod when exactly one
 * non-host-network pod has the IP, else an external endpoint.
 *
 * @example
 * resolveEndpoint(model, 'shop/web-1');   // { endpoint: { kind: 'pod', … } }
 * resolveEndpoint(model, '203.0.113.7');  // { endpoint: { kind: 'ip', … } }
 * resolveEndpoint(model, 'shop/nope');    // { error: 'unknown pod shop/nope' }
 */
export function resolveEndpoint(
  model: ClusterModel,
  text: string,
): { endpoint: Endpoint; error?: undefined } | { endpoint?: undefined; error: string } {
  const ip = ipEndpoint(text);
  if (ip) {
    const owners = (model.index.podsByIp.get(text) ?? []).filter(
      (id) => !model.pods[id]?.hostNetwork,
    );
    const pod = owners.length === 1 ? model.pods[owners[0]!] : undefined;
    return { endpoint: pod ? { kind: 'pod', pod } : ip };
  }
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1 || text.indexOf('/', slash + 1) >= 0) {
    return { error: `expected "<namespace>/<pod>" or an IP address, got ${JSON.stringify(text)}` };
  }
  const pod = podEndpoint(model, text);
  return pod ? { endpoint: pod } : { error: `unknown pod ${text}` };
}

export function endpointText(e: Endpoint): string {
  return e.kind === 'pod' ? `${e.pod.namespace}/${e.pod.name}` : e.ip;
}
