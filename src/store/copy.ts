/**
 * Copies a SQLite database (kms.db) into an empty PostgreSQL database, for `kms db migrate`.
 *
 * Both schemas are first brought up to date by their own migrations; every table of the SQLite
 * schema is then copied row for row (same columns, same values, same creation order) in ONE
 * PostgreSQL transaction, so a failure leaves the target as empty as it was. A target that already
 * holds rows is refused. Afterwards both sides are read back and compared table by table: row count
 * and a SHA-256 over the rows (each row's values as text, rows sorted), so a copy is checkable.
 */
import { runtime, type SqlClient } from "../runtime/index.ts";
import { createHash } from "node:crypto";
import { bytesToHex } from "../crypto/bytes.ts";
import { SqliteStore } from "./sqlite.ts";
import { PostgresStore } from "./postgres.ts";
import { redactUrl } from "./database-url.ts";

export interface TableReport {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceSha256: string;
  targetSha256: string;
}

export class CopyError extends Error {}

type Row = Record<string, unknown>;

/** Columns only one side has by design: PostgreSQL orders tags by a seq column, SQLite by rowid. */
const TARGET_ONLY: Record<string, string[]> = { tags: ["seq"] };

function canonical(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return `\\x${bytesToHex(v)}`;
  return String(v);
}

function digest(rows: Row[], columns: string[]): string {
  const lines = rows.map((r) => JSON.stringify(columns.map((c) => canonical(r[c])))).sort();
  const h = createHash("sha256");
  for (const l of lines) h.update(l + "\n");
  return h.digest("hex");
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function copySqliteToPostgres(
  sqlitePath: string,
  url: string,
  progress: (line: string) => void = () => {},
): Promise<TableReport[]> {
  const source = new SqliteStore(sqlitePath);
  let target: SqlClient | undefined;
  try {
    await (await PostgresStore.connect(url)).close(); // creates or updates the PostgreSQL schema
    target = new (runtime.postgresClient())(url, { max: 1 });
    const tables = source.db
      .query<{ name: string }, []>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name",
      )
      .all()
      .map((r) => r.name)
      // objects first: the other tables reference it
      .sort((a, b) => Number(b === "objects") - Number(a === "objects"));
    const plan: { table: string; columns: string[] }[] = [];
    for (const table of tables) {
      const columns = source.db
        .query<{ name: string }, []>(`PRAGMA table_info(${quote(table)})`)
        .all()
        .map((c) => c.name);
      const targetColumns = (
        (await target.unsafe(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
          [table],
        )) as { column_name: string }[]
      ).map((c) => c.column_name);
      if (targetColumns.length === 0)
        throw new CopyError(
          `the PostgreSQL schema has no table ${table}: this server version cannot copy this database`,
        );
      const missing = columns.filter((c) => !targetColumns.includes(c));
      const extra = targetColumns.filter((c) => !columns.includes(c) && !(TARGET_ONLY[table] ?? []).includes(c));
      if (missing.length || extra.length)
        throw new CopyError(
          `table ${table} differs between the two schemas (only in SQLite: ${missing.join(", ") || "-"}; only in PostgreSQL: ${extra.join(", ") || "-"})`,
        );
      plan.push({ table, columns });
    }
    for (const { table } of plan) {
      const [{ n }] = (await target.unsafe(`SELECT COUNT(*)::int AS n FROM ${quote(table)}`)) as { n: number }[];
      if (n > 0)
        throw new CopyError(
          `the target database is not empty (table ${table} has ${n} rows): refusing to copy into it; use an empty database`,
        );
    }
    const sourceRows = new Map<string, Row[]>();
    await target.begin(async (tx) => {
      for (const { table, columns } of plan) {
        const rows = source.db
          .query<Row, []>(`SELECT ${columns.map(quote).join(", ")} FROM ${quote(table)} ORDER BY rowid`)
          .all();
        sourceRows.set(table, rows);
        for (let i = 0; i < rows.length; i += 500) {
          const chunk = rows.slice(i, i + 500);
          const params: unknown[] = [];
          const values = chunk
            .map((r) => `(${columns.map((c) => (params.push(r[c]), `$${params.length}`)).join(", ")})`)
            .join(", ");
          await tx.unsafe(
            `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES ${values}`,
            params as never[],
          );
        }
        // Sequences continue after the copied rows.
        for (const c of ["seq"]) {
          if (!columns.includes(c) && !(TARGET_ONLY[table] ?? []).includes(c)) continue;
          const [{ s }] = (await tx.unsafe(`SELECT pg_get_serial_sequence($1, $2) AS s`, [table, c])) as {
            s: string | null;
          }[];
          if (s)
            await tx.unsafe(
              `SELECT setval($1, GREATEST((SELECT COALESCE(MAX(${quote(c)}), 0) FROM ${quote(table)}), 1))`,
              [s],
            );
        }
        progress(`copied ${table}: ${rows.length} rows`);
      }
    });
    const report: TableReport[] = [];
    for (const { table, columns } of plan) {
      const rows = sourceRows.get(table)!;
      const copied = (await target.unsafe(`SELECT ${columns.map(quote).join(", ")} FROM ${quote(table)}`)) as Row[];
      report.push({
        table,
        sourceRows: rows.length,
        targetRows: copied.length,
        sourceSha256: digest(rows, columns),
        targetSha256: digest([...copied], columns),
      });
    }
    return report;
  } catch (e) {
    if (e instanceof CopyError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new CopyError(reason.replaceAll(url, redactUrl(url)));
  } finally {
    await target?.close();
    await source.close();
  }
}
