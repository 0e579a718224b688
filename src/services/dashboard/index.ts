/** Dashboard use cases: one function per page section, each taking an optional access scope. */
export { getDeniedDetail, getDeniedGroups, groupId } from './denied-service.js';
export { getExternalEgress } from './external-egress-service.js';
export { CSV_COLUMNS, exportFlows, getFlowPage, toFlowFilter } from './flows-service.js';
export { getMeta } from './meta-service.js';
export { createPolicyEnginePort } from './netpol-adapter.js';
export { getOverview } from './overview-service.js';
export { getPolicies, getPolicyDetail, testConnection } from './policies-service.js';
export type { ConnectionProbe, PolicyEnginePort } from './policy-port.js';
export type { AccessScope, DashboardDeps } from './scope.js';
export { getEdgeFlows, getServiceMap } from './service-map-service.js';
export { getTimeSeries } from './time-series-service.js';
export { allowedVolume, byChange } from './volume.js';
