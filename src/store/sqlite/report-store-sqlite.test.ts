import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeReportStoreContract } from '../contract/report-contract.js';
import { openSqliteReportStore } from './report-store-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';

describeReportStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-reports-'));
  const flows = openSqliteStore({ path: join(dir, 'netsec.db') });
  await flows.migrate();
  return {
    store: openSqliteReportStore(flows.db),
    cleanup: async () => {
      await flows.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
