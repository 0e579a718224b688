/**
 * The resources the cluster model needs, with their list paths and list calls. The minimal
 * ClusterRole (docs/sources.md) grants exactly `list` and `watch` on these.
 */
import * as k8s from '@kubernetes/client-node';

type Obj = Record<string, unknown>;
type ListFn = (
  kc: k8s.KubeConfig,
) => Promise<{ items: Obj[]; metadata?: { resourceVersion?: string } }>;

export interface WatchedResource {
  kind: string;
  apiVersion: string;
  /** Cluster-wide list/watch path. */
  path: string;
  list: ListFn;
}

const asList = (p: Promise<unknown>): ReturnType<ListFn> => p as ReturnType<ListFn>;

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  {
    kind: 'Namespace',
    apiVersion: 'v1',
    path: '/api/v1/namespaces',
    list: (kc) => asList(kc.makeApiClient(k8s.CoreV1Api).listNamespace()),
  },
  {
    kind: 'Pod',
    apiVersion: 'v1',
    path: '/api/v1/pods',
    list: (kc) => asList(kc.makeApiClient(k8s.CoreV1Api).listPodForAllNamespaces()),
  },
  {
    kind: 'ReplicationController',
    apiVersion: 'v1',
    path: '/api/v1/replicationcontrollers',
    list: (kc) =>
      asList(kc.makeApiClient(k8s.CoreV1Api).listReplicationControllerForAllNamespaces()),
  },
  {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    path: '/apis/apps/v1/deployments',
    list: (kc) => asList(kc.makeApiClient(k8s.AppsV1Api).listDeploymentForAllNamespaces()),
  },
  {
    kind: 'StatefulSet',
    apiVersion: 'apps/v1',
    path: '/apis/apps/v1/statefulsets',
    list: (kc) => asList(kc.makeApiClient(k8s.AppsV1Api).listStatefulSetForAllNamespaces()),
  },
  {
    kind: 'DaemonSet',
    apiVersion: 'apps/v1',
    path: '/apis/apps/v1/daemonsets',
    list: (kc) => asList(kc.makeApiClient(k8s.AppsV1Api).listDaemonSetForAllNamespaces()),
  },
  {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    path: '/apis/apps/v1/replicasets',
    list: (kc) => asList(kc.makeApiClient(k8s.AppsV1Api).listReplicaSetForAllNamespaces()),
  },
  {
    kind: 'Job',
    apiVersion: 'batch/v1',
    path: '/apis/batch/v1/jobs',
    list: (kc) => asList(kc.makeApiClient(k8s.BatchV1Api).listJobForAllNamespaces()),
  },
  {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    path: '/apis/batch/v1/cronjobs',
    list: (kc) => asList(kc.makeApiClient(k8s.BatchV1Api).listCronJobForAllNamespaces()),
  },
  {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    path: '/apis/networking.k8s.io/v1/networkpolicies',
    list: (kc) => asList(kc.makeApiClient(k8s.NetworkingV1Api).listNetworkPolicyForAllNamespaces()),
  },
];
