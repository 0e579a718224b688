import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeReviewStoreContract } from '../contract/review-contract.js';
import { openSqliteReviewStore } from './review-store-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';

describeReviewStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-reviews-'));
  const flows = openSqliteStore({ path: join(dir, 'db.sqlite') });
  await flows.migrate();
  return {
    store: openSqliteReviewStore(flows.db),
    cleanup: async () => {
      await flows.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
