/** A complete incident for tests (store contract, domain and service tests); override what matters. */
import type { Incident } from './types.js';

const T = Date.UTC(2026, 2, 1, 12);
const H = 3_600_000;

export function incidentFixture(over: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    cluster: 'c1',
    title: 'Port scan from shop/web <script>',
    severity: 'high',
    kind: 'attack',
    status: 'open',
    assignee: null,
    createdAt: T,
    createdBy: 'alice',
    detectedAt: T - H,
    containedAt: null,
    resolvedAt: null,
    closedAt: null,
    outcome: null,
    resolution: null,
    namespaces: ['shop', 'payments'],
    updatedAt: T,
    ...over,
  };
}
