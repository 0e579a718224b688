/**
 * Model types of the NetworkPolicy engine (`networking.k8s.io/v1`). Everything here is pure
 * data: the manifest reader (src/formats/k8s-manifests) produces the `*Input` shapes, and
 * `buildClusterModel` turns them into the indexed, validated `ClusterModel`.
 */
import type { Cidr } from '../ip.js';

/** Protocols a NetworkPolicy port can name. */
export const POLICY_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type PolicyProtocol = (typeof POLICY_PROTOCOLS)[number];

/** Label maps are attacker-controlled keys, so they are Maps, never plain objects. */
export type Labels = ReadonlyMap<string, string>;

/** Where an object came from, so errors can be located. Opaque to the domain. */
export interface SourceRef {
  file?: string;
  /** 0-based index of the YAML/JSON document within the file. */
  document?: number;
  /** 0-based index within a `List` document's `items`, when the object came from one. */
  item?: number;
}

/** A validation problem, located by the object and the field path inside it. */
export interface ModelError {
  origin?: SourceRef;
  /** e.g. `NetworkPolicy shop/allow-web`. */
  object?: string;
  /** e.g. `spec.ingress[0].from[1].ipBlock.except[0]`. */
  path: string;
  message: string;
}

// ---------------------------------------------------------------- inputs (from manifests)

export interface NamespaceInput {
  name: string;
  labels?: Record<string, string>;
  /** Owner and contact details live here (label values cannot hold `@`, `#` or URLs). */
  annotations?: Record<string, string>;
  origin?: SourceRef;
}

export interface ContainerPortInput {
  name?: string;
  containerPort?: number;
  protocol?: string;
}

export interface OwnerRefInput {
  kind: string;
  name: string;
  controller?: boolean;
}

export interface PodInput {
  namespace?: string;
  name: string;
  labels?: Record<string, string>;
  ip?: string | null;
  hostNetwork?: boolean;
  ports?: ContainerPortInput[];
  ownerReferences?: OwnerRefInput[];
  /** A workload already resolved elsewhere (e.g. test data); skips owner-chain resolution. */
  workload?: WorkloadRef;
  origin?: SourceRef;
}

export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface PodTemplateInput {
  labels?: Record<string, string>;
  ports?: ContainerPortInput[];
  hostNetwork?: boolean;
}

export interface WorkloadInput {
  kind: WorkloadKind;
  namespace?: string;
  name: string;
  labels?: Record<string, string>;
  ownerReferences?: OwnerRefInput[];
  template?: PodTemplateInput;
  origin?: SourceRef;
}

export interface NetworkPolicyInput {
  namespace?: string;
  name: string;
  /** The `spec` as written; validated field by field by `compilePolicy`. */
  spec: unknown;
  origin?: SourceRef;
}

export interface ClusterInput {
  namespaces?: NamespaceInput[];
  pods?: PodInput[];
  workloads?: WorkloadInput[];
  policies?: NetworkPolicyInput[];
}

// ---------------------------------------------------------------- model

export interface Namespace {
  name: string;
  /** Includes the implicit `kubernetes.io/metadata.name`. */
  labels: Labels;
  /** False when the namespace was only referenced by an object, not declared. */
  declared: boolean;
  /** The namespace's annotations (owners, contacts), when it declared any. */
  annotations?: Readonly<Record<string, string>>;
}

export interface ContainerPort {
  name?: string;
  port?: number;
  protocol: PolicyProtocol;
}

/** The top of a pod's owner chain; a bare pod is its own workload (`kind: 'Pod'`). */
export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface Pod {
  /** Dense index into `ClusterModel.pods`. */
  id: number;
  namespace: string;
  name: string;
  labels: Labels;
  ip: string | null;
  hostNetwork: boolean;
  ports: readonly ContainerPort[];
  workload: WorkloadRef;
  /** True for a pod made from a controller's template (no real pod seen; no IP). */
  synthetic: boolean;
}

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values: ReadonlySet<string>;
}

/** A compiled label selector; no requirements = matches everything. */
export interface LabelSelector {
  requirements: readonly SelectorRequirement[];
  /** The selector as written (for display and for suggestions). */
  source: { matchLabels: Record<string, string>; matchExpressions: SelectorExpressionText[] };
}

export interface SelectorExpressionText {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/**
 * A rule peer. `pods`: `namespaceSelector === null` means the policy's own namespace;
 * `podSelector === null` means every pod of the selected namespaces.
 */
export type PolicyPeer =
  | { kind: 'pods'; namespaceSelector: LabelSelector | null; podSelector: LabelSelector | null }
  | { kind: 'ipBlock'; cidr: Cidr; except: readonly Cidr[] };

/** A port entry: no `port` = every port of the protocol; `name` = a named container port. */
export interface PolicyPort {
  protocol: PolicyProtocol;
  port?: number;
  endPort?: number;
  name?: string;
}

export interface PolicyRule {
  /** 1-based, as shown to people. */
  index: number;
  /** null = the rule has no `from`/`to` (or it is empty): every peer. */
  peers: readonly PolicyPeer[] | null;
  /** null = no `ports` (or empty): every port and protocol. */
  ports: readonly PolicyPort[] | null;
}

export type PolicyDirection = 'ingress' | 'egress';

export interface NetworkPolicy {
  namespace: string;
  name: string;
  /** `namespace/name`. */
  id: string;
  podSelector: LabelSelector;
  /** From `policyTypes`, or inferred: Ingress always, Egress when egress rules exist. */
  affects: { ingress: boolean; egress: boolean };
  ingress: readonly PolicyRule[];
  egress: readonly PolicyRule[];
  origin?: SourceRef;
}
