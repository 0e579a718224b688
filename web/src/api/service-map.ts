import type { FlowPageResponse, ServiceMapResponse } from '@api/dashboard-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { API, getJson, toQuery } from './http';
import { type Scope, scopeParams } from './scope';

export const serviceMapKeys = { scope: (s: Scope) => ['service-map', s] as const };

export function fetchServiceMap(s: Scope, signal?: AbortSignal): Promise<ServiceMapResponse> {
  return getJson(`${API}/service-map${toQuery(scopeParams(s))}`, signal);
}

export function useServiceMap(s: Scope): UseQueryResult<ServiceMapResponse> {
  return useQuery({
    queryKey: serviceMapKeys.scope(s),
    queryFn: ({ signal }) => fetchServiceMap(s, signal),
  });
}

type MapNode = ServiceMapResponse['nodes'][number];

function peerOf(n: MapNode): { namespace: string | null; workload: string | null; kind: string } {
  return {
    namespace: n.namespace,
    workload: n.workload === '(unknown)' ? null : n.workload,
    kind: n.kind,
  };
}

export function fetchEdgeFlows(
  s: Scope,
  src: MapNode,
  dst: MapNode,
  signal?: AbortSignal,
): Promise<FlowPageResponse> {
  const edge = JSON.stringify({ src: peerOf(src), dst: peerOf(dst) });
  return getJson(`${API}/service-map/edge${toQuery({ ...scopeParams(s), edge })}`, signal);
}

export function useEdgeFlows(
  s: Scope,
  src: MapNode | undefined,
  dst: MapNode | undefined,
): UseQueryResult<FlowPageResponse> {
  return useQuery({
    queryKey: ['service-map', 'edge', s, src?.id, dst?.id],
    queryFn: ({ signal }) => fetchEdgeFlows(s, src as MapNode, dst as MapNode, signal),
    enabled: Boolean(src && dst),
  });
}
