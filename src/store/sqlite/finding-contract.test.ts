import { describeFindingStoreContract } from '../contract/finding-contract.js';
import { openSqliteFindingStore } from './finding-store-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';

describeFindingStoreContract('sqlite', async () => {
  const flows = openSqliteStore({ path: ':memory:' });
  await flows.migrate();
  return { store: openSqliteFindingStore(flows.db), cleanup: () => flows.close() };
});
