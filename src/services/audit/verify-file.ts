/** `netsec audit verify --db <file>`: checks a database file's chain without writing to it. */
import { openAuditStoreReadOnly } from '../../store/sqlite/audit-store-sqlite.js';
import { verifyChain, type VerifyResult } from './audit-log.js';

/** @example const r = await verifyAuditFile('./data/netsec.db'); if (!r.ok) process.exit(1) */
export async function verifyAuditFile(path: string): Promise<VerifyResult> {
  const { store, close } = openAuditStoreReadOnly(path);
  try {
    return await verifyChain(store);
  } finally {
    close();
  }
}
