/**
 * `kms db migrate --from sqlite:PATH --to postgres://USER:PASSWORD@HOST:5432/DB`: copies every
 * object, tag, grant and audit record of a SQLite database (stop the server that uses it first) into
 * an empty PostgreSQL database, then prints, per table, the row counts and a SHA-256 of the rows on
 * both sides. Exit code 0 when every table matches, 1 on any failure (nothing is left half-copied),
 * 2 on a usage error. The password of the URL is never printed.
 */
import { existsSync, statSync } from "node:fs";
import { CopyError, copySqliteToPostgres } from "../store/copy.ts";
import { redactUrl } from "../store/database-url.ts";
import type { Command } from "./commands.ts";

const USAGE = "usage: kms db migrate --from sqlite:PATH/kms.db --to postgres://USER:PASSWORD@HOST:5432/DB";

function options(argv: string[]): { from?: string; to?: string; error?: string } {
  const out: { from?: string; to?: string; error?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].includes("=")
      ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)]
      : [argv[i], undefined];
    if (name !== "--from" && name !== "--to") return { error: `unknown option ${name}` };
    const value = inline ?? argv[++i];
    if (value === undefined) return { error: `${name} needs a value` };
    out[name === "--from" ? "from" : "to"] = value;
  }
  return out;
}

async function migrate(argv: string[]): Promise<number> {
  const o = options(argv);
  const usage = (message: string) => (process.stderr.write(`error: ${message}\n${USAGE}\n`), 2);
  if (o.error) return usage(o.error);
  if (!o.from || !o.to) return usage("--from and --to are both required");
  if (!o.from.startsWith("sqlite:")) return usage("--from must be sqlite:PATH (the kms.db file of a stopped server)");
  if (!/^postgres(ql)?:\/\//.test(o.to)) return usage(`--to must be a postgres:// URL, got "${redactUrl(o.to)}"`);
  const file = o.from.slice("sqlite:".length);
  if (!existsSync(file) || !statSync(file).isFile()) return usage(`no SQLite database at ${file}`);
  process.stdout.write(`copying ${file} to ${redactUrl(o.to)}\n`);
  try {
    const report = await copySqliteToPostgres(file, o.to, (line) => process.stdout.write(line + "\n"));
    process.stdout.write(
      `${"table".padEnd(16)} ${"rows".padStart(8)} ${"copied".padStart(8)}  sha256 (source = target)\n`,
    );
    let same = true;
    for (const r of report) {
      const match = r.sourceRows === r.targetRows && r.sourceSha256 === r.targetSha256;
      same &&= match;
      const sums = match ? r.sourceSha256 : `${r.sourceSha256} != ${r.targetSha256}`;
      process.stdout.write(
        `${r.table.padEnd(16)} ${String(r.sourceRows).padStart(8)} ${String(r.targetRows).padStart(8)}  ${sums}${match ? "" : "  MISMATCH"}\n`,
      );
    }
    process.stdout.write(
      same ? "verified: every table has the same rows on both sides\n" : "error: the copy differs from the source\n",
    );
    return same ? 0 : 1;
  } catch (e) {
    const message =
      e instanceof CopyError ? e.message : `unexpected failure: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`error: ${message.replaceAll(o.to, redactUrl(o.to))}\n`);
    return 1;
  }
}

export const dbCommand: Command = {
  name: "db",
  summary: "database tools: `kms db migrate --from sqlite:PATH --to postgres://...`",
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "migrate") return migrate(rest);
    process.stderr.write(`error: unknown db command ${sub ?? "(none)"}\n${USAGE}\n`);
    return 2;
  },
};
