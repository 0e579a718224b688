import { describeAuthStoreContract } from '../contract/auth-contract.js';
import { SqliteAuthStore } from './auth-store-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';

describeAuthStoreContract('sqlite', async () => {
  const flows = openSqliteStore({ path: ':memory:' });
  await flows.migrate();
  return { store: new SqliteAuthStore(flows.db), cleanup: () => flows.close() };
});
