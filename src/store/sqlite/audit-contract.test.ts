import { describeAuditStoreContract } from '../contract/audit-contract.js';
import { SqliteAuditStore } from './audit-store-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';

describeAuditStoreContract('sqlite', async () => {
  const flows = openSqliteStore({ path: ':memory:' });
  await flows.migrate();
  return { store: new SqliteAuditStore(flows.db), cleanup: () => flows.close() };
});
