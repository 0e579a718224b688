/** Fixtures for alerting tests: a temporary SQLite store with its findings, and findings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Finding } from '../domain/detect/finding.js';
import { findingStoreFor } from '../services/detection-store.js';
import type { FindingStore } from '../store/finding-store.js';
import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';

export interface TestStores {
  store: SqliteFlowStore;
  findings: FindingStore;
  dir: string;
  close(): Promise<void>;
}

export async function openTestStores(): Promise<TestStores> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-alerting-'));
  const store = openSqliteStore({ path: join(dir, 'netsec.db') });
  await store.migrate();
  return {
    store,
    findings: findingStoreFor(store),
    dir,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An open port-scan finding on shop/frontend, overridable. */
export function makeFinding(over: Partial<Finding> = {}): Finding {
  const start = over.start ?? Date.now() - 20 * 60_000;
  return {
    id: 'f-port-scan-1',
    key: 'port-scan|prod-eu1|shop|Deployment/frontend',
    type: 'port-scan',
    severity: 'high',
    confidence: 0.9,
    start,
    end: start + 10 * 60_000,
    status: 'open',
    subject: { cluster: 'prod-eu1', namespace: 'shop', workload: 'frontend', peer: 'payments/api' },
    evidence: {
      unit: 'flows',
      observed: 40,
      usual: null,
      spread: null,
      distinctPorts: 40,
      distinctHosts: 1,
      ratePerMin: 4,
      extra: {},
    },
    explanation: 'shop/frontend tried 40 distinct ports on payments/api within 10 minutes.',
    samples: ['8443', '22'],
    updatedAt: start + 10 * 60_000,
    ...over,
  };
}
