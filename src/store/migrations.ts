/**
 * SQL schema migrations, applied in order; `schema_version` records how many ran.
 * Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: objects, tags and grants
  `CREATE TABLE objects (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     object_type TEXT NOT NULL,
     object TEXT NOT NULL,
     attributes TEXT NOT NULL,
     state TEXT NOT NULL,
     owner TEXT NOT NULL,
     algorithm TEXT,
     length INTEGER,
     key_format TEXT
   );
   CREATE INDEX objects_owner ON objects (owner);
   CREATE INDEX objects_state ON objects (state);
   CREATE TABLE tags (
     id TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
     tag TEXT NOT NULL,
     UNIQUE (id, tag)
   );
   CREATE INDEX tags_tag ON tags (tag);
   CREATE TABLE grants (
     id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     operation TEXT NOT NULL,
     UNIQUE (id, user_id, operation)
   );
   CREATE INDEX grants_user ON grants (user_id);`,
  // 2: the audit trail (when configured to go to the database)
  `CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     time TEXT NOT NULL,
     request_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     client TEXT,
     operation TEXT NOT NULL,
     object_id TEXT,
     result TEXT NOT NULL
   );`,
  // 3: the id of the master key that sealed each object column (NULL: not sealed yet)
  `ALTER TABLE objects ADD COLUMN sealed_by TEXT;`,
];
