/**
 * Checks rendered objects against the Kubernetes API's own types, two ways, as an API server
 * would on install (there is none here):
 *
 * - `typeProblems`: every field must exist in its type and every value have the type's shape,
 *   as the API server's strict field validation wants. The types are the model metadata of
 *   `@kubernetes/client-node` (generated from the Kubernetes OpenAPI document), already a
 *   dependency. Built-in kinds only.
 * - `schemaProblems`: the JSON Schemas of `kubernetes-models` (Kubernetes 1.27) and of
 *   `@kubernetes-models/prometheus-operator` (the ServiceMonitor CRD): required fields, enums,
 *   formats. They let unknown fields through, hence both.
 */
import * as k8s from '@kubernetes/client-node';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type Model = { getAttributeTypeMap(): Attribute[] };
type Validated = new (data: never) => { validate(): void };

/** apiVersion/kind → its client-node type (built-in kinds) and its kubernetes-models class. */
const KINDS: Record<string, { type?: string; schema: Validated }> = {
  'v1/ConfigMap': { type: 'V1ConfigMap', schema: ConfigMap },
  'v1/Secret': { type: 'V1Secret', schema: Secret },
  'v1/Service': { type: 'V1Service', schema: Service },
  'v1/ServiceAccount': { type: 'V1ServiceAccount', schema: ServiceAccount },
  'v1/PersistentVolumeClaim': { type: 'V1PersistentVolumeClaim', schema: PersistentVolumeClaim },
  'apps/v1/Deployment': { type: 'V1Deployment', schema: Deployment },
  'networking.k8s.io/v1/Ingress': { type: 'V1Ingress', schema: Ingress },
  'networking.k8s.io/v1/NetworkPolicy': { type: 'V1NetworkPolicy', schema: NetworkPolicy },
  'policy/v1/PodDisruptionBudget': { type: 'V1PodDisruptionBudget', schema: PodDisruptionBudget },
  'rbac.authorization.k8s.io/v1/ClusterRole': { type: 'V1ClusterRole', schema: ClusterRole },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    type: 'V1ClusterRoleBinding',
    schema: ClusterRoleBinding,
  },
  'rbac.authorization.k8s.io/v1/Role': { type: 'V1Role', schema: Role },
  'rbac.authorization.k8s.io/v1/RoleBinding': { type: 'V1RoleBinding', schema: RoleBinding },
  // A custom resource: client-node has no type for it, its CRD's schema is all there is.
  'monitoring.coreos.com/v1/ServiceMonitor': { schema: ServiceMonitor },
};

function kindOf(obj: { apiVersion?: unknown; kind?: unknown }): (typeof KINDS)[string] {
  const id = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  const k = KINDS[id];
  if (!k) throw new Error(`no Kubernetes type known for ${id}`);
  return k;
}

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
 * Unknown fields and values of the wrong shape in `obj`, as `path: problem` lines (none when
 * it fits). Custom resources have none here. Throws for a kind it does not know, so that a new
 * kind cannot go unchecked.
 * @example
 * typeProblems({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { prots: [] } });
 * // ['spec.prots: unknown field in V1ServiceSpec']
 */
export function typeProblems(obj: { apiVersion?: unknown; kind?: unknown }): string[] {
  const { type } = kindOf(obj);
  const out: string[] = [];
  if (type) check(obj, type, '', '', out);
  return out;
}

/**
 * What the kind's JSON Schema refuses in `obj` (missing required fields, enums, formats), as
 * `/pointer message` lines. Throws for a kind it does not know.
 * @example
 * schemaProblems({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} });
 * // ['/spec must have required property selector', …]
 */
export function schemaProblems(obj: { apiVersion?: unknown; kind?: unknown }): string[] {
  const { schema } = kindOf(obj);
  try {
    new schema(obj as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (!errors) throw err;
    return errors.map((e) => `${e.instancePath} ${e.message ?? ''}`.trim());
  }
}
