/**
 * Peers outside the cluster. Addresses come from the documentation ranges (RFC 5737) so that
 * the demo never points at a real party, except the two well-known public DNS resolvers.
 */

export interface ExternalService {
  id: string;
  /** DNS name shown in Hubble `*_names`. */
  dnsName: string | null;
  ips: readonly string[];
  /** The range a NetworkPolicy ipBlock names, when a policy allows it. */
  cidr: string | null;
}

export const PRIVATE_EXCEPT = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;

export const EXTERNALS: readonly ExternalService[] = [
  {
    id: 'internet-clients',
    dnsName: null,
    ips: Array.from({ length: 136 }, (_, i) => `198.51.100.${64 + i}`),
    cidr: null,
  },
  {
    id: 'payment-gateway',
    dnsName: 'api.psp.example',
    ips: ['198.51.100.4', '198.51.100.5'],
    cidr: '198.51.100.0/28',
  },
  { id: 'dns-resolvers', dnsName: null, ips: ['1.1.1.1', '9.9.9.9'], cidr: null },
  {
    id: 'ntp',
    dnsName: 'pool.ntp.example',
    ips: ['192.0.2.123', '192.0.2.124'],
    cidr: '192.0.2.120/29',
  },
  {
    id: 'package-mirrors',
    dnsName: 'mirror.pkgs.example',
    ips: ['203.0.113.10', '203.0.113.11', '203.0.113.12'],
    cidr: '203.0.113.0/26',
  },
  {
    id: 'messaging-api',
    dnsName: 'hooks.messaging.example',
    ips: ['192.0.2.40', '192.0.2.41'],
    cidr: '0.0.0.0/0',
  },
  { id: 'carrier-api', dnsName: 'api.carrier.example', ips: ['192.0.2.80'], cidr: null },
];

/** Attack infrastructure used by scenarios; never part of the baseline. */
export const ATTACKERS = {
  beaconC2: '203.0.113.200',
  exfilDrop: '203.0.113.149',
  amplificationVictim: '192.0.2.99',
  prober: '198.51.100.222',
} as const;

export function externalById(id: string): ExternalService {
  const ext = EXTERNALS.find((e) => e.id === id);
  if (!ext) throw new Error(`unknown external service ${id}`);
  return ext;
}
