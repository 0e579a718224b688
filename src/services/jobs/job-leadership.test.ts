import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import type { FlowStore } from '../../store/flow-store.js';
import type { JobLockSession } from '../../store/postgres/job-locks.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { JOB_NAMES, JobLeadership } from './job-leadership.js';

/** A store whose lock session hands out whatever the test sets in `granted`. */
function fakeLockingStore(granted: Set<string>): FlowStore {
  const session: JobLockSession = {
    sync: async (names) => new Set(names.filter((n) => granted.has(n))),
    close: async () => undefined,
  };
  return { openJobLocks: () => session } as unknown as FlowStore;
}

describe('JobLeadership', () => {
  it('leads every job at once on SQLite (one server per file), and shows it on /metrics', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const registry = new Registry();
    const lead = new JobLeadership(store, JOB_NAMES, { registry });
    const changes: string[] = [];
    lead.onChange((job, leader) => changes.push(`${job}:${leader}`));
    await lead.start();
    expect(lead.coordinated).toBe(false);
    expect(lead.status()).toEqual({ detection: true, alerting: true, retention: true });
    expect(changes).toEqual(['detection:true', 'alerting:true', 'retention:true']);
    expect(await registry.metrics()).toContain('netsec_job_leader{job="retention"} 1');
    await lead.stop();
    expect(lead.isLeader('detection')).toBe(false);
    expect(changes.slice(3)).toEqual(['detection:false', 'alerting:false', 'retention:false']);
    expect(await registry.metrics()).toContain('netsec_job_leader{job="retention"} 0');
    await store.close();
  });

  it('follows the locks it holds: gains, losses and regains are announced once each', async () => {
    const granted = new Set<string>();
    const lead = new JobLeadership(fakeLockingStore(granted), ['detection', 'retention'], {
      checkMs: 60_000,
    });
    const changes: string[] = [];
    lead.onChange((job, leader) => changes.push(`${job}:${leader}`));
    await lead.start();
    expect(lead.coordinated).toBe(true);
    expect(lead.status()).toEqual({ detection: false, retention: false });
    granted.add('detection');
    await lead.check();
    await lead.check();
    expect(changes).toEqual(['detection:true']);
    granted.clear();
    await lead.check();
    granted.add('retention');
    await lead.check();
    expect(changes).toEqual(['detection:true', 'detection:false', 'retention:true']);
    await lead.stop();
    expect(changes.at(-1)).toBe('retention:false');
  });
});
