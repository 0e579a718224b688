import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeIncidentStoreContract } from '../contract/incident-contract.js';
import { openSqliteIncidentStore } from './incident-store-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';

describeIncidentStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-incidents-'));
  const flows = openSqliteStore({ path: join(dir, 'db.sqlite') });
  return {
    store: openSqliteIncidentStore(flows.db),
    cleanup: async () => {
      await flows.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
