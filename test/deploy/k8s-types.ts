/**
 * Checks rendered objects against the Kubernetes API's own types, as the API server's strict
 * field validation would: every field must exist in its type, and every value must have the
 * type's shape. The types are the model metadata of `@kubernetes/client-node` (generated from
 * the Kubernetes OpenAPI document), already a dependency. It does not know which fields are
 * required, nor custom resources (ServiceMonitor).
 */
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type Model = { getAttributeTypeMap(): Attribute[] };

/** apiVersion/kind → the client-node model, for every built-in kind the chart may render. */
const KINDS: Record<string, string> = {
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Secret': 'V1Secret',
  'v1/Service': 'V1Service',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'v1/PersistentVolumeClaim': 'V1PersistentVolumeClaim',
  'apps/v1/Deployment': 'V1Deployment',
  'networking.k8s.io/v1/Ingress': 'V1Ingress',
  'networking.k8s.io/v1/NetworkPolicy': 'V1NetworkPolicy',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'V1ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
};

/** Custom resources: their schema is in the CRD, which is not ours to check here. */
export const CUSTOM_KINDS = new Set(['monitoring.coreos.com/v1/ServiceMonitor']);

function model(name: string): Model | undefined {
  const m = (k8s as unknown as Record<string, unknown>)[name];
  return typeof m === 'function' && 'getAttributeTypeMap' in m ? (m as Model) : undefined;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function check(value: unknown, type: string, format: string, path: string, out: string[]): void {
  const bad = (what: string): void => {
    out.push(`${path}: ${what}, got ${JSON.stringify(value)}`);
  };
  if (value === null) return; // null is how YAML leaves a field unset; the API drops it
  const array = /^Array<(.+)>$/.exec(type);
  const mapOf = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return bad(`expected a list of ${array[1]}`);
    value.forEach((v, i) => check(v, array[1]!, format, `${path}[${i}]`, out));
  } else if (mapOf) {
    if (!isMap(value)) return bad(`expected a map of ${mapOf[1]}`);
    for (const [k, v] of Object.entries(value)) check(v, mapOf[1]!, format, `${path}.${k}`, out);
  } else if (type === 'string' || type === 'Date') {
    if (typeof value !== 'string') bad('expected a string');
  } else if (type === 'number') {
    if (typeof value !== 'number') bad('expected a number');
    else if (format.startsWith('int') && !Number.isInteger(value)) bad('expected an integer');
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') bad('expected true or false');
  } else if (type === 'IntOrString') {
    if (typeof value !== 'string' && !Number.isInteger(value))
      bad('expected an integer or a string');
  } else if (type === 'any' || type === 'object') {
    // free-form
  } else {
    const m = model(type);
    if (!m) throw new Error(`${path}: no model ${type} in @kubernetes/client-node`);
    if (!isMap(value)) return bad(`expected an object (${type})`);
    const attributes = new Map(m.getAttributeTypeMap().map((a) => [a.baseName, a]));
    for (const [k, v] of Object.entries(value)) {
      const a = attributes.get(k);
      const at = path === '' ? k : `${path}.${k}`;
      if (!a) out.push(`${at}: unknown field in ${type}`);
      else check(v, a.type, a.format, at, out);
    }
  }
}

/**
 * What the API server would refuse in `obj`, as `path: problem` lines (none when it fits).
 * Throws for a kind this checker has no type for, so a new kind cannot go unchecked.
 * @example
 * typeProblems({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { prots: [] } });
 * // ['spec.prots: unknown field in V1ServiceSpec']
 */
export function typeProblems(obj: { apiVersion?: unknown; kind?: unknown }): string[] {
  const id = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  const name = KINDS[id];
  if (!name) throw new Error(`no Kubernetes type known for ${id}`);
  const out: string[] = [];
  check(obj, name, '', '', out);
  return out;
}
