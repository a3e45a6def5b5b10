/**
 * A throwaway PostgreSQL cluster for tests: initdb + pg_ctl on a temp folder, a free TCP port on
 * 127.0.0.1, the unix socket in the same folder, trust authentication (test only). initdb refuses to
 * run as root, so as root the cluster belongs to the unprivileged user `nobody`.
 *
 * `pgAvailable()` tells whether the server binaries are there. Tests that need PostgreSQL call
 * `requirePostgres(name)`: with CI=true a missing PostgreSQL is a failure; otherwise the file prints
 * one skip line and its tests are skipped.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { SQL } from "bun";

const BIN_DIRS = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"];

function binary(name: string): string | undefined {
  for (const dir of BIN_DIRS) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

export function pgAvailable(): boolean {
  return !!binary("initdb") && !!binary("pg_ctl");
}

/**
 * Whether the test file may run: true when PostgreSQL is there; throws under CI=true when it is not;
 * else prints one skip line and returns false (use with `describe.skipIf(!ok)`).
 */
export function requirePostgres(what: string): boolean {
  if (pgAvailable()) return true;
  if (process.env.CI === "true")
    throw new Error(
      `${what}: PostgreSQL server binaries (initdb, pg_ctl) are missing; .ci/run installs the postgresql package`,
    );
  console.log(`SKIP ${what}: PostgreSQL is not installed (apt-get install postgresql)`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  port: number;
  dir: string;
  /** postgres://kms@127.0.0.1:PORT/<database> */
  url(database?: string): string;
  /** Creates an empty database with a fresh unique name and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Drops a database made by createDatabase (its connections are cut). */
  dropDatabase(url: string): Promise<void>;
  /** Stops the cluster (fast shutdown: open connections are cut) and starts it again on the same port. */
  stopServer(): void;
  startServer(): void;
  /** Stops the cluster and deletes its folder. */
  dispose(): void;
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

function run(cmd: string, args: string[]): void {
  const [file, argv] = asRoot ? ["runuser", ["-u", "nobody", "--", cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { encoding: "utf8", cwd: "/" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr || r.stdout}`);
}

let counter = 0;

/** `durable`: fsync on, as in production (benchmarks); tests run with fsync off (faster). */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<PgCluster> {
  const initdb = binary("initdb");
  const pgCtl = binary("pg_ctl");
  if (!initdb || !pgCtl) throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found");
  const dir = mkdtempSync(path.join(tmpdir(), "kms-pg-"));
  chmodSync(dir, 0o755);
  if (asRoot) {
    const nobody = spawnSync("id", ["-u", "nobody"], { encoding: "utf8" }).stdout.trim();
    const group = spawnSync("id", ["-g", "nobody"], { encoding: "utf8" }).stdout.trim();
    chownSync(dir, Number(nobody), Number(group));
  }
  const data = path.join(dir, "data");
  run(initdb, ["-D", data, "-U", "kms", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
  const port = await freePort();
  const options = `-c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=${opts.durable ? "on" : "off"} -c max_connections=200 -c shared_buffers=32MB`;
  const start = () => run(pgCtl, ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"]);
  const stop = () => run(pgCtl, ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
  start();
  const url = (database = "postgres") => `postgres://kms@127.0.0.1:${port}/${database}`;
  let disposed = false;
  const cleanup = () => {
    if (disposed) return;
    disposed = true;
    spawnSync(
      asRoot ? "runuser" : pgCtl,
      asRoot
        ? ["-u", "nobody", "--", pgCtl, "-D", data, "-m", "immediate", "stop"]
        : ["-D", data, "-m", "immediate", "stop"],
      { cwd: "/" },
    );
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", cleanup);
  return {
    port,
    dir,
    url,
    async createDatabase(prefix = "kms") {
      const name = `${prefix}_${process.pid}_${++counter}_${Date.now() % 100000}`;
      const admin = new SQL(url());
      try {
        await admin.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await admin.close();
      }
      return url(name);
    },
    async dropDatabase(dbUrl: string) {
      const name = new URL(dbUrl).pathname.slice(1);
      const admin = new SQL(url());
      try {
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.close();
      }
    },
    stopServer: stop,
    startServer: start,
    dispose() {
      process.off("exit", cleanup);
      cleanup();
    },
  };
}
