/**
 * `GET /api/v1/alerts/status`: whether alerts get through. Delivery state per receiver (host
 * only, never a webhook's secret path), counts of firing and pending alerts, and the last
 * evaluation. Any signed-in user with read access may see it; it names no flow.
 */
import type { FastifyInstance } from 'fastify';

import type { AlertingStatus } from '../../services/alerting/alerting-service.js';
import { need } from '../auth/route-policy.js';

export function registerAlertStatusRoute(
  app: FastifyInstance,
  status: () => AlertingStatus | null,
): void {
  app.get('/api/v1/alerts/status', { config: { authz: need('flows:read') } }, async () => {
    const s = status();
    return (
      s ?? {
        enabled: false,
        reason: 'this store keeps no findings',
        lastEvaluationAt: null,
        lastEvaluationError: null,
        alerts: { firing: 0, pending: 0 },
        receivers: [],
      }
    );
  });
}
