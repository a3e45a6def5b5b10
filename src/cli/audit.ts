/**
 * `kms audit verify FILE [--audit-key-file KEY]` and `kms audit verify --data-dir DIR [--audit-key-file KEY]`:
 * checks the hash chain and the HMAC checkpoints of the audit trail (a file, or the database of a
 * data folder) and reports OK with counts, or the first broken, missing, reordered or modified
 * record. Exit code 0 when intact, 1 when not, 2 on a usage error. Without a key the chain is
 * checked but not the checkpoints; by default the key is `audit.key` next to the trail, if present.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "./commands.ts";
import { formatReport, verifyTrail, type TrailLine } from "../server/audit-chain.ts";
import { SqliteStore } from "../store/sqlite.ts";

const USAGE =
  "usage: kms audit verify FILE [--audit-key-file KEY]\n       kms audit verify --data-dir DIR [--audit-key-file KEY]\n";

function* fileLines(text: string): Iterable<TrailLine> {
  const lines = text.split("\n");
  const last = lines.pop(); // "" when the file ends with a newline
  for (const [i, line] of lines.entries()) yield { where: `line ${i + 1}`, text: line };
  if (last)
    yield {
      where: `line ${lines.length + 1}`,
      text: last,
      check: () => "the last line has no newline: an incomplete write or a truncated file",
    };
}

function* databaseLines(store: SqliteStore): Iterable<TrailLine> {
  for (const row of store.auditRows()) {
    const where = `row seq ${row.seq}`;
    if (row.line === null) {
      yield { where, text: "{}" }; // before the chain existed: counted as legacy, refused after
      continue;
    }
    yield {
      where,
      text: row.line,
      check: (rec) => {
        if (rec.seq !== row.seq)
          return `the row's seq ${row.seq} differs from its record's seq ${String(rec.seq)} (modified)`;
        if (rec.type !== "event") return undefined;
        const same: [string, unknown, unknown][] = [
          ["time", rec.time, row.time],
          ["requestId", rec.requestId, row.requestId],
          ["user", rec.user, row.user],
          ["client", rec.client, row.client],
          ["operation", rec.operation, row.operation],
          ["objectId", rec.objectId, row.objectId],
          ["result", rec.result, row.result],
        ];
        const diff = same.find(([, a, b]) => a !== b);
        return diff ? `the row's ${diff[0]} column differs from its chained record (modified)` : undefined;
      },
    };
  }
}

async function verify(argv: string[]): Promise<number> {
  let file: string | undefined, dataDir: string | undefined, keyFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--audit-key-file" || a === "--data-dir") {
      const v = argv[++i];
      if (!v) return usage(`${a} needs a value`);
      if (a === "--data-dir") dataDir = v;
      else keyFile = v;
    } else if (a.startsWith("-")) return usage(`unknown option ${a}`);
    else if (file) return usage("one FILE only");
    else file = a;
  }
  if (!file === !dataDir) return usage("give FILE or --data-dir DIR");
  keyFile ??= [path.join(dataDir ?? path.dirname(file!), "audit.key")].find((f) => existsSync(f));
  let key: Uint8Array | undefined;
  if (keyFile) {
    let hex: string;
    try {
      hex = readFileSync(keyFile, "utf8").trim();
    } catch (e) {
      return usage(`cannot read the audit key file: ${(e as Error).message}`);
    }
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) return usage(`the audit key file ${keyFile} must hold 64 hex digits`);
    key = new Uint8Array(Buffer.from(hex, "hex"));
  }
  let report;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      return usage(`cannot read ${file}: ${(e as Error).message}`);
    }
    report = verifyTrail(fileLines(text), key);
  } else {
    const db = path.join(dataDir!, "kms.db");
    if (!existsSync(db)) return usage(`no database in ${dataDir}`);
    const store = new SqliteStore(db);
    try {
      report = verifyTrail(databaseLines(store), key);
    } finally {
      await store.close();
    }
  }
  const source = file ?? `database ${path.join(dataDir!, "kms.db")}`;
  process.stdout.write(formatReport(report, source) + (keyFile ? ` [key ${keyFile}]` : "") + "\n");
  return report.ok ? 0 : 1;
}

function usage(message: string): number {
  process.stderr.write(`error: ${message}\n${USAGE}`);
  return 2;
}

export const auditCommand: Command = {
  name: "audit",
  summary: "verify FILE | --data-dir DIR [--audit-key-file KEY]: check the audit trail's hash chain and checkpoints",
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "verify") return verify(rest);
    return usage(sub ? `unknown audit command ${sub}` : "missing audit command");
  },
};
