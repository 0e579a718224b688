/** SQLite migration 6: incidents, their timelines and links. Never edit once applied; add a new migration instead. */
export const INCIDENT_MIGRATION_SQL = `
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  cluster TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  assignee TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  detected_at INTEGER NOT NULL,
  contained_at INTEGER,
  resolved_at INTEGER,
  closed_at INTEGER,
  outcome TEXT,
  resolution TEXT,
  namespaces TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX incidents_created ON incidents (created_at);
CREATE INDEX incidents_status ON incidents (status, created_at);
CREATE INDEX incidents_closed ON incidents (closed_at);

-- One row per namespace an incident touches: the developer-scope filter joins on it.
CREATE TABLE incident_namespaces (
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  namespace TEXT NOT NULL,
  PRIMARY KEY (incident_id, namespace)
) WITHOUT ROWID;
CREATE INDEX incident_namespaces_ns ON incident_namespaces (namespace);

CREATE TABLE incident_timeline (
  id INTEGER PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  details TEXT NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id);

CREATE TABLE incident_links (
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  link_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  finding_id TEXT,
  link TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  added_by TEXT NOT NULL,
  PRIMARY KEY (incident_id, link_key)
);
CREATE INDEX incident_links_finding ON incident_links (finding_id);
`;
