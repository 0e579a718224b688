/**
 * SQLite migration 11: denied keys get negative ids (ADR 0009), so that each bucket of a rollup
 * tier holds its denied rows together and a read of denied traffic seeks to them. Every rollup
 * row of a denied key moves to the negated id, then the key itself; the key epoch moves on, so
 * a writer in another process drops the ids it cached. Never edit once applied; add a new
 * migration instead.
 */
const moveTier = (table: string): string => `
INSERT INTO ${table} (bucket, key_id, flows, packets, bytes, first_seen, last_seen)
  SELECT bucket, -key_id, flows, packets, bytes, first_seen, last_seen FROM ${table}
  WHERE key_id IN (SELECT id FROM rollup_keys WHERE verdict = 'denied' AND id > 0);
DELETE FROM ${table}
  WHERE key_id IN (SELECT id FROM rollup_keys WHERE verdict = 'denied' AND id > 0);`;

export const DENIED_KEY_ID_MIGRATION_SQL = `
${moveTier('rollup_1m')}
${moveTier('rollup_1h')}
${moveTier('rollup_1d')}
UPDATE rollup_keys SET id = -id WHERE verdict = 'denied' AND id > 0;
UPDATE store_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE name = 'rollup_key_epoch';
`;
