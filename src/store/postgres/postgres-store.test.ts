import { describePostgres } from '../../testing/postgres-server.js';
import { describeStoreContract } from '../contract.js';
import { openPostgresStore, type PostgresFlowStore } from './postgres-store.js';

describePostgres('PostgreSQL store (throwaway PostgreSQL 15)', (server) => {
  describeStoreContract('postgres (fresh database per test)', async () => {
    const url = await server().createDatabase();
    let store: PostgresFlowStore = await openPostgresStore({ url, poolSize: 4 });
    return {
      store,
      reopen: async () => (store = await openPostgresStore({ url, poolSize: 4 })),
      cleanup: async () => {
        await store.close();
        await server().dropDatabase(url);
      },
    };
  });
});
