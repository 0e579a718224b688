/** The review, incident, report and policy-change contracts against a real PostgreSQL. */
import { describePostgres } from '../../testing/postgres-server.js';
import { describeIncidentStoreContract } from '../contract/incident-contract.js';
import { describePolicyChangeStoreContract } from '../contract/policy-change-contract.js';
import { describeReportStoreContract } from '../contract/report-contract.js';
import { describeReviewStoreContract } from '../contract/review-contract.js';
import { type PgCompanions, pgCompanionsOf } from './companions.js';
import { openPostgresStore } from './postgres-store.js';

describePostgres('PostgreSQL governance stores (throwaway PostgreSQL 15)', (server) => {
  /** Companion stores of a migrated store on a fresh database, and how to drop it. */
  async function fresh(): Promise<{ pg: PgCompanions; cleanup(): Promise<void> }> {
    const url = await server().createDatabase();
    const flows = await openPostgresStore({ url, poolSize: 4 });
    const pg = pgCompanionsOf(flows);
    if (!pg) throw new Error('no companion stores on a PostgreSQL flow store');
    return {
      pg,
      cleanup: async () => {
        await flows.close();
        await server().dropDatabase(url);
      },
    };
  }

  describeReviewStoreContract('postgres', async () => {
    const { pg, cleanup } = await fresh();
    return { store: pg.reviews(), cleanup };
  });
  describeIncidentStoreContract('postgres', async () => {
    const { pg, cleanup } = await fresh();
    return { store: pg.incidents(), cleanup };
  });
  describeReportStoreContract('postgres', async () => {
    const { pg, cleanup } = await fresh();
    return { store: pg.reports(), cleanup };
  });
  describePolicyChangeStoreContract('postgres', async () => {
    const { pg, cleanup } = await fresh();
    return { store: pg.policyChanges(), cleanup };
  });
});
