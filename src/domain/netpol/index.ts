/**
 * The NetworkPolicy engine (`networking.k8s.io/v1`): cluster model, label selectors, policy
 * validation, evaluation and explanation. Pure: no I/O.
 *
 * @example
 * import { buildClusterModel, evaluateConnection, resolveEndpoint } from './domain/netpol/index.js';
 * const { model, errors } = buildClusterModel(input);
 * const src = resolveEndpoint(model, 'shop/web-1');
 * const dst = resolveEndpoint(model, 'shop/db-0');
 * if (src.endpoint && dst.endpoint) evaluateConnection(model, src.endpoint, dst.endpoint, 'TCP', 5432);
 */
export { allowedPortsBetween } from './allowed-ports.js';
export type { Connection, ConnlistOptions, ConnPeer } from './connlist.js';
export {
  compareConnections,
  computeConnlist,
  connectionKey,
  mergeExternalRanges,
  podClasses,
} from './connlist.js';
export type { ConnectionChange, ConnlistDiff } from './connlist-diff.js';
export {
  diffConnlists,
  diffModels,
  isDiffEmpty,
  newlyAllowed,
  newlyDenied,
} from './connlist-diff.js';
export type { Endpoint } from './endpoint.js';
export { endpointText, ipEndpoint, podEndpoint, resolveEndpoint } from './endpoint.js';
export type {
  ConnectionExplanation,
  Denial,
  DenyReason,
  DirectionExplanation,
  RuleRef,
} from './evaluate.js';
export { evaluateConnection, isConnectionAllowed, isolation } from './evaluate.js';
export type { IpRange } from './external-ranges.js';
export {
  externalRanges,
  formatIp,
  formatIpRange,
  rangeContains,
  rangeToCidrs,
} from './external-ranges.js';
export type { FlowEndpoint, FlowRequest } from './flow-endpoint.js';
export { parseFlow, representative, resolveFlowEndpoint } from './flow-endpoint.js';
export type { Finding, Severity } from './lint.js';
export { hasFindingAtOrAbove, lintModel, SEVERITIES } from './lint.js';
export type { BuildResult, ClusterModel } from './model.js';
export { buildClusterModel, NAMESPACE_NAME_LABEL } from './model.js';
export type { ModelIndex, PeerIndex, PolicyIndex, RuleIndex } from './model-index.js';
export type { EvalOptions } from './peer-match.js';
export { peerMatches, ruleMatchesPeer } from './peer-match.js';
export { compilePolicy } from './policy-compile.js';
export type { PolicyManifest } from './policy-spec.js';
export {
  applyChanges,
  manifestInput,
  modelToInput,
  policyManifest,
  ruleSpec,
  selectorSpec,
} from './policy-spec.js';
export { portNameProblem } from './port-name.js';
export type { PortRange, PortSet } from './port-set.js';
export {
  emptyPortSet,
  formatPortSet,
  fullPortSet,
  intersectPortSets,
  isPortSetEmpty,
  MAX_PORT,
  MIN_PORT,
  normalizeRanges,
  portSetHas,
} from './port-set.js';
export { portSetKey, portSetsEqual, subtractPortSets, unionPortSets } from './port-set-ops.js';
export { formatPolicyPort, matchRulePorts, resolveNamedPort } from './ports.js';
export type { QuarantineOptions, QuarantinePlan, RemainingConnection } from './quarantine.js';
export { findWorkload, QUARANTINE_LABEL, quarantinePlan } from './quarantine.js';
export {
  compileSelector,
  formatSelector,
  labelsFrom,
  MATCH_ALL,
  matchesSelector,
} from './selector.js';
export type { StableSelector } from './stable-labels.js';
export { isVolatileLabel, stableSelector } from './stable-labels.js';
export type { PolicyChange, Suggestion } from './suggest.js';
export { policyName, suggestChange } from './suggest.js';
export * from './types.js';
export { workloadDisplayName, workloadKey } from './workloads.js';
