/**
 * Choosing the database: --database-type / --database-url, KMS_DATABASE_TYPE / KMS_DATABASE_URL and
 * the TOML [db] table (Cosmian's names); SQLite stays the default. The URL's password never shows in
 * --help, in a configuration error, or in the log of a server that cannot reach its database.
 */
import { describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/server/config.ts";
import { redactUrl } from "../../src/store/database-url.ts";

const root = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "n0t-in-any-0utput";
const URL_WITH_PASSWORD = `postgres://kms:${PASSWORD}@127.0.0.1:1/kms`;

function kms(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("database configuration", () => {
  test("SQLite by default; PostgreSQL by flag, environment or TOML, flags winning", () => {
    const d = loadConfig([], {});
    expect(d.kind === "run" && [d.config.databaseType, d.config.databaseUrl]).toEqual(["sqlite", undefined]);
    const dir = mkdtempSync(path.join(tmpdir(), "kms-dbconf-"));
    try {
      const toml = path.join(dir, "kms.toml");
      writeFileSync(toml, `[db]\ndatabase_type = "postgresql"\ndatabase_url = "postgres://toml@db/kms"\n`);
      const fromToml = loadConfig(["-c", toml], {});
      expect(fromToml.kind === "run" && [fromToml.config.databaseType, fromToml.config.databaseUrl]).toEqual([
        "postgresql",
        "postgres://toml@db/kms",
      ]);
      const fromEnv = loadConfig(["-c", toml], { KMS_DATABASE_URL: "postgresql://env@db/kms" });
      expect(fromEnv.kind === "run" && fromEnv.config.databaseUrl).toBe("postgresql://env@db/kms");
      const fromFlag = loadConfig(["-c", toml, "--database-type", "sqlite"], {});
      expect(fromFlag.kind === "run" && fromFlag.config.databaseType).toBe("sqlite");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the three-node example configuration of deploy/postgresql/ is valid", () => {
    const c = loadConfig(["-c", path.join(root, "deploy/postgresql/kms-node.toml")], {
      KMS_DATABASE_URL: "postgres://kms:x@db.internal:5432/kms",
    });
    expect(
      c.kind === "run" && {
        type: c.config.databaseType,
        url: c.config.databaseUrl,
        key: c.config.masterKeyFile,
        audit: c.config.audit,
        auditKey: c.config.auditKeyFile,
        apiKeys: c.config.apiKeysFile,
      },
    ).toEqual({
      type: "postgresql",
      url: "postgres://kms:x@db.internal:5432/kms",
      key: "/etc/kms/master.key",
      audit: "database",
      auditKey: "/etc/kms/audit.key",
      apiKeys: "/etc/kms/api-keys",
    });
  });

  test("bad values are clear errors, without the password", () => {
    expect(() => loadConfig(["--database-type", "mysql"], {})).toThrow(
      'database type must be sqlite or postgresql, got "mysql"',
    );
    expect(() => loadConfig(["--database-type", "postgresql"], {})).toThrow(
      "--database-type postgresql needs --database-url (or KMS_DATABASE_URL)",
    );
    expect(() => loadConfig(["--database-url", `mysql://kms:${PASSWORD}@h/db`], {})).toThrow(
      'the database URL must start with postgres:// or postgresql://, got "mysql://kms:***@h/db"',
    );
    expect(redactUrl(`postgres://kms:${PASSWORD}@h:5432/db?sslmode=require&password=${PASSWORD}`)).toBe(
      "postgres://kms:***@h:5432/db?sslmode=require&password=***",
    );
  });

  test("--help lists the options and never shows the configured URL", () => {
    const r = kms(["--help"], { KMS_DATABASE_URL: URL_WITH_PASSWORD });
    expect(r.status).toBe(0);
    expect(r.out).toMatch(
      /--database-type TYPE +where objects are stored: sqlite \(default, kms.db in --data-dir\) or postgresql \(--database-url\) \[KMS_DATABASE_TYPE\]/,
    );
    expect(r.out).toMatch(/--database-url URL +postgres:\/\/USER:PASSWORD@HOST:5432\/DB .*\[KMS_DATABASE_URL\]/);
    expect(r.out).not.toContain(PASSWORD);
  });

  test("a server that cannot reach PostgreSQL exits 1 with a clear log line, the password masked", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kms-dbconf-"));
    try {
      const key = path.join(dir, "master.key");
      writeFileSync(key, "11".repeat(32) + "\n", { mode: 0o600 });
      const r = kms(
        [
          "--port",
          "0",
          "--data-dir",
          path.join(dir, "data"),
          "--master-key-file",
          key,
          "--database-type",
          "postgresql",
        ],
        { KMS_DATABASE_URL: URL_WITH_PASSWORD },
      );
      expect(r.status).toBe(1);
      expect(r.out).toContain("cannot open the PostgreSQL database postgres://kms:***@127.0.0.1:1/kms");
      expect(r.out).not.toContain(PASSWORD);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
