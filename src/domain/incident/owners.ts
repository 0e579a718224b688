/**
 * Namespace owners: who to tell about an incident in a namespace. From namespace labels (or
 * annotations, when the cluster model keeps them) and from configuration; configuration fills in
 * or overrides the cluster's fields one by one (mode merge), or stands alone (mode replace).
 */

export interface OwnerContacts {
  team: string | null;
  email: string[];
  slack: string | null;
  webhook: string | null;
  webhookFormat: 'json' | 'slack' | null;
}

export interface NamespaceOwner extends OwnerContacts {
  namespace: string;
  /** Where the details came from. */
  source: 'cluster' | 'config' | 'cluster+config';
}

export interface OwnerKeys {
  team: string;
  email: string;
  slack: string;
  webhook: string;
}

export const DEFAULT_OWNER_KEYS: OwnerKeys = {
  team: 'netsec.io/owner',
  email: 'netsec.io/contact',
  slack: 'netsec.io/slack',
  webhook: 'netsec.io/webhook',
};

/** What the cluster model tells of a namespace. */
export interface NamespaceMeta {
  name: string;
  labels: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function fromCluster(ns: NamespaceMeta, keys: OwnerKeys): Partial<OwnerContacts> {
  // Annotations win over labels: label values cannot hold '@', '#' or URLs.
  const get = (k: string): string | undefined => {
    const v = ns.annotations?.[k] ?? ns.labels[k];
    return v && v.trim() !== '' ? v.trim() : undefined;
  };
  const out: Partial<OwnerContacts> = {};
  const team = get(keys.team);
  if (team) out.team = team;
  const email = get(keys.email)
    ?.split(/[,\s]+/)
    .filter((e) => EMAIL.test(e));
  if (email?.length) out.email = email;
  const slack = get(keys.slack);
  if (slack) out.slack = slack;
  const hook = get(keys.webhook);
  if (hook && /^https?:\/\/\S+$/.test(hook) && URL.canParse(hook)) out.webhook = hook;
  return out;
}

const EMPTY: OwnerContacts = {
  team: null,
  email: [],
  slack: null,
  webhook: null,
  webhookFormat: null,
};

const has = (c: Partial<OwnerContacts>): boolean =>
  Object.values(c).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null));

/**
 * @example resolveOwners([{ name: 'shop', labels: { 'netsec.io/owner': 'shop-team' } }], {}, DEFAULT_OWNER_KEYS, 'merge')
 */
export function resolveOwners(
  namespaces: readonly NamespaceMeta[],
  configured: Readonly<Record<string, Partial<OwnerContacts>>>,
  keys: OwnerKeys = DEFAULT_OWNER_KEYS,
  mode: 'merge' | 'replace' = 'merge',
): NamespaceOwner[] {
  const names = new Set([...namespaces.map((n) => n.name), ...Object.keys(configured)]);
  const byName = new Map(namespaces.map((n) => [n.name, n]));
  const out: NamespaceOwner[] = [];
  for (const name of [...names].sort()) {
    const meta = byName.get(name);
    const cluster = meta && mode === 'merge' ? fromCluster(meta, keys) : {};
    const config = configured[name] ?? {};
    const c = has(cluster);
    const k = has(config);
    if (!c && !k) continue;
    const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
    out.push({
      namespace: name,
      ...EMPTY,
      ...cluster,
      ...defined,
      source: c && k ? 'cluster+config' : c ? 'cluster' : 'config',
    });
  }
  return out;
}

/** Slack incoming webhooks take the Slack body; anything else gets generic JSON. */
export function webhookFormatOf(url: string, format: 'json' | 'slack' | null): 'json' | 'slack' {
  if (format) return format;
  try {
    return new URL(url).hostname === 'hooks.slack.com' ? 'slack' : 'json';
  } catch {
    return 'json';
  }
}
