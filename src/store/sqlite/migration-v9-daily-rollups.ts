/**
 * SQLite migration 9: the daily rollup tier, summed from whole days of the hourly tier
 * (src/store/sqlite/daily-tier.ts). `rollup_1d_through` is the first day not yet summed; every
 * day before it is complete in `rollup_1d`. Never edit once applied; add a new migration instead.
 */
export const DAILY_ROLLUP_MIGRATION_SQL = `
CREATE TABLE rollup_1d (
  bucket INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  flows INTEGER,
  packets INTEGER,
  bytes INTEGER,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (bucket, key_id)
) WITHOUT ROWID;
INSERT INTO store_meta (name, value) VALUES ('rollup_1d_through', '0');
`;
