/**
 * Values that values.schema.json must reject, each with the JSON pointer of the value at fault.
 * Checked with Ajv (values-schema.test.ts) and with real Helm (helm.test.ts).
 */
export interface BadValues {
  what: string;
  over: Record<string, unknown>;
  /** The JSON pointer of the value at fault. */
  path: string;
  /** What Helm's message says, where it is not `at '<path>'`. */
  helmSays?: string;
}

export const BAD_VALUES: readonly BadValues[] = [
  { what: 'an unknown key', over: { replica: 2 }, path: '' },
  {
    what: 'a misspelt nested key',
    over: { networkPolicy: { hubbleRelais: {} } },
    path: '/networkPolicy',
  },
  { what: 'the latest tag', over: { image: { tag: 'latest' } }, path: '/image/tag' },
  { what: 'replicas > 1 on SQLite', over: { replicas: 3 }, path: '/replicas' },
  {
    what: 'PostgreSQL without its Secret',
    over: { store: { postgresql: { enabled: true } } },
    path: '/store/postgresql/existingSecret',
  },
  {
    what: 'quarantine without the live model',
    over: { kubernetes: { quarantine: true } },
    path: '/kubernetes/liveModel/enabled',
  },
  {
    what: 'a writable root filesystem',
    over: { containerSecurityContext: { readOnlyRootFilesystem: false } },
    path: '/containerSecurityContext/readOnlyRootFilesystem',
  },
  {
    what: 'running as root',
    over: { podSecurityContext: { runAsUser: 0 } },
    path: '/podSecurityContext/runAsUser',
  },
  {
    what: 'a receiver with no destination (would allow all)',
    over: { networkPolicy: { alertReceivers: [{ name: 'x', to: [], ports: [{ port: 443 }] }] } },
    path: '/networkPolicy/alertReceivers/0/to',
  },
  {
    what: 'a receiver with no port (would allow all)',
    over: {
      networkPolicy: {
        alertReceivers: [{ name: 'x', to: [{ ipBlock: { cidr: '1.2.3.4/32' } }], ports: [] }],
      },
    },
    path: '/networkPolicy/alertReceivers/0/ports',
  },
  {
    what: 'an empty peer (would match everything)',
    over: { networkPolicy: { collectors: [{}] } },
    path: '/networkPolicy/collectors/0',
  },
  // Helm 4's validator puts a bad property name at the root, but names it.
  {
    what: 'a store section in config',
    over: { config: { store: { path: '/x' } } },
    path: '/config',
    helmSays: "invalid propertyName 'store'",
  },
  {
    what: 'a source that is not a URL',
    over: { server: { sources: ['relay:4245'] } },
    path: '/server/sources/0',
  },
];
