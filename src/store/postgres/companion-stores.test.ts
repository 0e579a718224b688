/**
 * The findings, access-control and audit contracts against a real PostgreSQL, plus what only
 * several replicas can show: two stores (two pools) appending to one audit chain at once.
 */
import { describe, expect, it } from 'vitest';

import { describePostgres } from '../../testing/postgres-server.js';
import {
  auditDraft,
  describeAuditStoreContract,
  expectLinearChain,
  sealOf,
} from '../contract/audit-contract.js';
import { describeAuthStoreContract } from '../contract/auth-contract.js';
import { describeFindingStoreContract } from '../contract/finding-contract.js';
import { PgAuditStore } from './audit-store-pg.js';
import { PgAuthStore } from './auth-store-pg.js';
import { PgFindingStore } from './finding-store-pg.js';
import { openPostgresStore, type PostgresFlowStore } from './postgres-store.js';

describePostgres('PostgreSQL companion stores (throwaway PostgreSQL 15)', (server) => {
  /** A migrated store on a fresh database, and how to drop it. */
  async function fresh(): Promise<{ flows: PostgresFlowStore; cleanup(): Promise<void> }> {
    const url = await server().createDatabase();
    const flows = await openPostgresStore({ url, poolSize: 4 });
    return {
      flows,
      cleanup: async () => {
        await flows.close();
        await server().dropDatabase(url);
      },
    };
  }

  describeFindingStoreContract('postgres', async () => {
    const { flows, cleanup } = await fresh();
    return { store: new PgFindingStore(flows.pool), cleanup };
  });
  describeAuthStoreContract('postgres', async () => {
    const { flows, cleanup } = await fresh();
    return { store: new PgAuthStore(flows.pool), cleanup };
  });
  describeAuditStoreContract('postgres', async () => {
    const { flows, cleanup } = await fresh();
    return { store: new PgAuditStore(flows.pool), cleanup };
  });

  describe('replicas', () => {
    it('keeps one linear audit chain when two replicas append at once', async () => {
      const url = await server().createDatabase();
      const a = await openPostgresStore({ url, poolSize: 6 });
      const b = await openPostgresStore({ url, poolSize: 6 });
      try {
        const sa = new PgAuditStore(a.pool);
        const sb = new PgAuditStore(b.pool);
        const appends = Array.from({ length: 60 }, (_, i) => {
          const d = auditDraft({ actor: `r${i % 2}-${i}` });
          return (i % 2 === 0 ? sa : sb).append(d, sealOf(d));
        });
        const written = await Promise.all(appends);
        expect(new Set(written.map((w) => w.seq)).size).toBe(60);
        await expectLinearChain(sa, 60);
      } finally {
        await a.close();
        await b.close();
        await server().dropDatabase(url);
      }
    });

    it('refuses to update, delete or truncate audit entries through SQL', async () => {
      const { flows, cleanup } = await fresh();
      try {
        const s = new PgAuditStore(flows.pool);
        const d = auditDraft();
        await s.append(d, sealOf(d));
        for (const sql of [
          "UPDATE audit_log SET actor = 'eve'",
          'DELETE FROM audit_log',
          'TRUNCATE audit_log',
        ])
          await expect(flows.pool.query(sql)).rejects.toThrow(/append-only/);
        await expectLinearChain(s, 1);
      } finally {
        await cleanup();
      }
    });

    it('stores NUL-bearing finding names as U+FFFD and finds them by the original key', async () => {
      const { flows, cleanup } = await fresh();
      try {
        const s = new PgFindingStore(flows.pool);
        const { findingFixture } = await import('../contract/finding-contract.js');
        const f = findingFixture({
          id: 'n',
          key: 'k\0',
          subject: { cluster: 'c', namespace: 'a\0b', workload: null, peer: null },
        });
        await s.upsertFindings([f]);
        expect((await s.getFinding('n'))?.subject.namespace).toBe('a\uFFFDb');
        expect((await s.listFindings({ keys: ['k\0'] })).map((x) => x.id)).toEqual(['n']);
      } finally {
        await cleanup();
      }
    });
  });
});
