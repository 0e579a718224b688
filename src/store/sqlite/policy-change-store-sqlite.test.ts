import { describePolicyChangeStoreContract } from '../contract/policy-change-contract.js';
import { openSqlitePolicyChangeStore } from './policy-change-store-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';

describePolicyChangeStoreContract('sqlite', async () => {
  const flows = openSqliteStore({ path: ':memory:' });
  await flows.migrate();
  return { store: openSqlitePolicyChangeStore(flows.db), cleanup: () => flows.close() };
});
