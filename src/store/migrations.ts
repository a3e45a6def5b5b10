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
  // 4: indexes for name resolution and Locate: object Names and keyset names (RotateName) by value,
  // links by target; kept up to date by the store on insert/update/delete, filled here for existing rows.
  `CREATE TABLE object_names (
     id TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     value TEXT NOT NULL,
     UNIQUE (id, kind, value)
   );
   CREATE INDEX object_names_value ON object_names (kind, value);
   CREATE TABLE object_links (
     id TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
     link_type TEXT NOT NULL,
     target TEXT NOT NULL,
     UNIQUE (id, link_type, target)
   );
   CREATE INDEX object_links_target ON object_links (target, link_type);
   INSERT OR IGNORE INTO object_names (id, kind, value)
     SELECT o.id, 'Name', CAST(json_extract(n.value, '$.NameValue') AS TEXT)
     FROM objects o, json_each(o.attributes, '$.Name') n
     WHERE json_type(o.attributes, '$.Name') = 'array' AND json_extract(n.value, '$.NameValue') IS NOT NULL;
   INSERT OR IGNORE INTO object_names (id, kind, value)
     SELECT id, 'RotateName', CAST(json_extract(attributes, '$.RotateName') AS TEXT)
     FROM objects WHERE json_type(attributes, '$.RotateName') = 'text';
   INSERT OR IGNORE INTO object_links (id, link_type, target)
     SELECT o.id, CAST(json_extract(l.value, '$.LinkType') AS TEXT), CAST(json_extract(l.value, '$.LinkedObjectIdentifier') AS TEXT)
     FROM objects o, json_each(o.attributes, '$.Link') l
     WHERE json_type(o.attributes, '$.Link') = 'array' AND json_type(l.value, '$.LinkType') = 'text'
       AND json_type(l.value, '$.LinkedObjectIdentifier') IN ('text', 'integer');`,
  // 5: the canonical hash-chained line of each audit record (NULL for records written before)
  `ALTER TABLE audit ADD COLUMN line TEXT;`,
  // 6: the keys set to rotate automatically, so that the rotation scheduler's scan (every second)
  // reads only them, not every object
  `CREATE INDEX objects_rotate_automatic ON objects (seq) WHERE json_extract(attributes, '$.RotateAutomatic') = 1;`,
];

/**
 * The same schema on PostgreSQL (src/store/postgres.ts), migration for migration: entry N here does
 * what entry N of MIGRATIONS does. Append to both lists together. Objects are stored as the same
 * lossless JSON text as in SQLite (src/store/json.ts), so `kms db migrate` copies rows unchanged.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: objects, tags and grants. tags (tag, id) keeps Locate by tag an index lookup.
  `CREATE TABLE objects (
     seq BIGSERIAL NOT NULL UNIQUE,
     id TEXT PRIMARY KEY,
     object_type TEXT NOT NULL,
     object TEXT NOT NULL,
     attributes TEXT NOT NULL,
     state TEXT NOT NULL,
     owner TEXT NOT NULL,
     algorithm TEXT,
     length INTEGER,
     key_format TEXT
   );
   CREATE INDEX objects_owner ON objects (owner, seq);
   CREATE INDEX objects_state ON objects (state);
   CREATE TABLE tags (
     seq BIGSERIAL NOT NULL,
     id TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
     tag TEXT NOT NULL,
     UNIQUE (id, tag)
   );
   CREATE INDEX tags_tag ON tags (tag, id);
   CREATE TABLE grants (
     id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     operation TEXT NOT NULL,
     UNIQUE (id, user_id, operation)
   );
   CREATE INDEX grants_user ON grants (user_id);`,
  // 2: the audit trail (when configured to go to the database)
  `CREATE TABLE audit (
     seq BIGSERIAL PRIMARY KEY,
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
  // 4: indexes for name resolution and Locate: object Names and keyset names (RotateName) by value,
  // links by target; kept up to date by the store on insert/update/delete, filled here for existing rows.
  `CREATE TABLE object_names (
     id TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     value TEXT NOT NULL,
     UNIQUE (id, kind, value)
   );
   CREATE INDEX object_names_value ON object_names (kind, value);
   CREATE TABLE object_links (
     id TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
     link_type TEXT NOT NULL,
     target TEXT NOT NULL,
     UNIQUE (id, link_type, target)
   );
   CREATE INDEX object_links_target ON object_links (target, link_type);
   INSERT INTO object_names (id, kind, value)
     SELECT o.id, 'Name', n->>'NameValue'
     FROM objects o, json_array_elements(CASE WHEN json_typeof(o.attributes::json->'Name') = 'array' THEN o.attributes::json->'Name' ELSE '[]'::json END) n
     WHERE json_typeof(n->'NameValue') = 'string'
     ON CONFLICT DO NOTHING;
   INSERT INTO object_names (id, kind, value)
     SELECT id, 'RotateName', attributes::json->>'RotateName'
     FROM objects WHERE json_typeof(attributes::json->'RotateName') = 'string'
     ON CONFLICT DO NOTHING;
   INSERT INTO object_links (id, link_type, target)
     SELECT o.id, l->>'LinkType', l->>'LinkedObjectIdentifier'
     FROM objects o, json_array_elements(CASE WHEN json_typeof(o.attributes::json->'Link') = 'array' THEN o.attributes::json->'Link' ELSE '[]'::json END) l
     WHERE json_typeof(l->'LinkType') = 'string' AND json_typeof(l->'LinkedObjectIdentifier') IN ('string', 'number')
     ON CONFLICT DO NOTHING;`,
  // 5: the canonical hash-chained line of each audit record (NULL for records written before)
  `ALTER TABLE audit ADD COLUMN line TEXT;`,
  // 6: the keys set to rotate automatically (the rotation scheduler's scan reads only them)
  `CREATE INDEX objects_rotate_automatic ON objects (seq) WHERE (attributes::json->>'RotateAutomatic') = 'true';`,
];
