/**
 * Opens the backend the configuration names: SQLite (default, `<data-dir>/kms.db`) or PostgreSQL
 * (`--database-type postgresql --database-url postgres://...`). The master key and the data folder's
 * checks are src/server/storage.ts's business.
 */
import { SqliteStore } from "./sqlite.ts";
import { PostgresStore } from "./postgres.ts";

export type DatabaseType = "sqlite" | "postgresql";

export interface DatabaseConfig {
  /** Default sqlite. */
  databaseType?: DatabaseType;
  /** postgres://user:password@host:port/database (PostgreSQL only). */
  databaseUrl?: string;
  /** Folder of kms.db (SQLite only). */
  dataDir: string;
}

export type Backend = SqliteStore | PostgresStore;

export async function openBackend(config: DatabaseConfig): Promise<Backend> {
  if (config.databaseType === "postgresql") {
    if (!config.databaseUrl) throw new Error("--database-type postgresql needs --database-url");
    return PostgresStore.connect(config.databaseUrl);
  }
  return SqliteStore.open(config.dataDir);
}
