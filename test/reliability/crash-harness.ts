/**
 * Crash-safety harness, shared by the CI test (test/reliability/crash.test.ts, a few kills) and the
 * long script (bench/crash-soak.ts): run the real server as a process on a real SQLite file, load
 * it with concurrent Create / Import / Encrypt / ReKey / Revoke / Destroy, SIGKILL it at a random
 * moment, restart it, and check that every acknowledged write is there and usable, that no
 * half-written state is visible, and that SQLite's integrity check passes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Database } from "bun:sqlite";
import path from "node:path";
import { find, findAll, hex, postKmip, t, valueOf, type Node } from "../helpers/server.ts";

const root = path.resolve(import.meta.dirname, "../..");

export interface Acknowledged {
  created: Set<string>;
  imported: Map<string, string>; // uid -> key hex
  encrypted: { uid: string; plaintext: string; data: string; nonce: string; tag: string }[];
  destroyed: Set<string>;
  /** Destroys sent, acknowledged or not: a kill may land after the commit and before the answer. */
  destroyAttempted: Set<string>;
  rekeyed: Map<string, string>; // old -> new
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
  /** Everything the process wrote to stderr (its log) so far. */
  log(): string;
}

/** The real server as a child process; `args` are more command-line options (e.g. the database). */
export function startProcess(dataDir: string, args: string[] = []): Promise<ServerProcess> {
  const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
  const child = spawn(bun, [path.join(root, "src/server/main.ts"), "--port", "0", "--data-dir", dataDir, ...args], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  return new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /"url":"([^"]+)"/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], exited, log: () => err });
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

const rand = (n: number) => Math.floor(Math.random() * n);

/** Loads `url` with `workers` loops until the server dies; records what was acknowledged. */
export async function loadUntilDeath(url: string, workers: number, ack: Acknowledged): Promise<number> {
  let requests = 0;
  const worker = async (w: number) => {
    const mine: string[] = [];
    for (let i = 0; ; i++) {
      try {
        const choice = mine.length === 0 ? 0 : rand(6);
        if (choice === 0) {
          const r = await postKmip(
            url,
            t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
          );
          requests++;
          if (r.status === 200) {
            const uid = valueOf(r.json, "UniqueIdentifier") as string;
            ack.created.add(uid);
            mine.push(uid);
          }
        } else if (choice === 1) {
          const uid = `imp-${w}-${i}-${crypto.randomUUID()}`;
          const key = hex(crypto.getRandomValues(new Uint8Array(32)));
          const r = await postKmip(
            url,
            t.s(
              "Import",
              t.text("UniqueIdentifier", uid),
              t.e("ObjectType", "SymmetricKey"),
              t.s(
                "Object",
                t.s(
                  "KeyBlock",
                  t.e("KeyFormatType", "Raw"),
                  t.s("KeyValue", t.b("KeyMaterial", key)),
                  t.e("CryptographicAlgorithm", "AES"),
                ),
              ),
            ),
          );
          requests++;
          if (r.status === 200) {
            ack.imported.set(uid, key.toUpperCase());
            mine.push(uid);
          }
        } else if (choice <= 3) {
          const uid = mine[rand(mine.length)];
          const plaintext = hex(`w${w} i${i} ${crypto.randomUUID()}`);
          const r = await postKmip(url, t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", plaintext)));
          requests++;
          if (r.status === 200) {
            ack.encrypted.push({
              uid,
              plaintext,
              data: valueOf(r.json, "Data") as string,
              nonce: valueOf(r.json, "IvCounterNonce") as string,
              tag: valueOf(r.json, "AuthenticatedEncryptionTag") as string,
            });
          }
        } else if (choice === 4) {
          const uid = mine.splice(rand(mine.length), 1)[0];
          const r = await postKmip(url, t.s("ReKey", t.text("UniqueIdentifier", uid)));
          requests++;
          if (r.status === 200) {
            const fresh = valueOf(r.json, "UniqueIdentifier") as string;
            ack.rekeyed.set(uid, fresh);
            mine.push(fresh);
          }
        } else {
          const uid = mine.splice(rand(mine.length), 1)[0];
          ack.destroyAttempted.add(uid);
          const r = await postKmip(url, t.s("Destroy", t.text("UniqueIdentifier", uid)));
          requests++;
          if (r.status === 200) ack.destroyed.add(uid);
        }
      } catch {
        return; // the server died
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return requests;
}

/** Checks the restarted server against what was acknowledged; returns the problems found. */
export async function verify(url: string, ack: Acknowledged): Promise<string[]> {
  const problems: string[] = [];
  const get = (uid: string) => postKmip(url, t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
  for (const uid of [...ack.created, ...ack.imported.keys()]) {
    const r = await get(uid);
    if (r.status !== 200) problems.push(`acknowledged object ${uid} is missing: ${r.text}`);
  }
  for (const [uid, key] of ack.imported) {
    if (ack.destroyAttempted.has(uid)) continue;
    const r = await postKmip(url, t.s("Export", t.e("KeyFormatType", "Raw"), t.text("UniqueIdentifier", uid)));
    if (valueOf(r.json, "KeyMaterial") !== key) problems.push(`imported key ${uid} changed or unreadable: ${r.status}`);
  }
  for (const e of ack.encrypted) {
    if (ack.destroyAttempted.has(e.uid)) continue;
    const r = await postKmip(
      url,
      t.s(
        "Decrypt",
        t.text("UniqueIdentifier", e.uid),
        t.b("Data", e.data),
        t.b("IvCounterNonce", e.nonce),
        t.b("AuthenticatedEncryptionTag", e.tag),
      ),
    );
    if (r.status !== 200 || (valueOf(r.json, "Data") as string)?.toLowerCase() !== e.plaintext)
      problems.push(`ciphertext under ${e.uid} no longer decrypts: ${r.text.slice(0, 200)}`);
  }
  for (const uid of ack.destroyed) {
    const r = await postKmip(url, t.s("Get", t.text("UniqueIdentifier", uid)));
    if (r.status === 200) problems.push(`destroyed key ${uid} is readable again`);
  }
  for (const [old, fresh] of ack.rekeyed) {
    const r = await get(old);
    const link = findAll(r.json, "Link").find((l: Node) => valueOf(l, "LinkType") === "ReplacementObjectLink");
    if (valueOf(link, "LinkedObjectIdentifier") !== fresh)
      problems.push(`rekeyed ${old} lost its ReplacementObjectLink to ${fresh}`);
  }
  // Nothing half-written: every replacement key found in the store has its old key linked back.
  const all = await postKmip(url, t.s("Locate", t.s("Attributes"), t.int("MaximumItems", 1000)));
  for (const idNode of findAll(find(all.json, "LocateResponse") ?? all.json, "UniqueIdentifier").filter(
    (n) => n.type === "TextString",
  )) {
    const uid = idNode.value as string;
    const r = await get(uid);
    const replaced = findAll(r.json, "Link").find((l: Node) => valueOf(l, "LinkType") === "ReplacedObjectLink");
    if (!replaced) continue;
    const old = valueOf(replaced, "LinkedObjectIdentifier") as string;
    const o = await get(old);
    const forward = findAll(o.json, "Link").find((l: Node) => valueOf(l, "LinkType") === "ReplacementObjectLink");
    if (valueOf(forward, "LinkedObjectIdentifier") !== uid)
      problems.push(`half-written ReKey: ${uid} replaces ${old}, which does not point to it`);
  }
  return problems;
}

export function integrityCheck(dataDir: string): string {
  const db = new Database(path.join(dataDir, "kms.db"), { readonly: true });
  try {
    return (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
  } finally {
    db.close();
  }
}

export function emptyAck(): Acknowledged {
  return {
    created: new Set(),
    imported: new Map(),
    encrypted: [],
    destroyed: new Set(),
    destroyAttempted: new Set(),
    rekeyed: new Map(),
  };
}

/** One round: start, load, kill after `killAfterMs`, restart, verify, stop. */
export async function crashRound(
  dataDir: string,
  ack: Acknowledged,
  killAfterMs: number,
  workers = 8,
): Promise<{ requests: number; problems: string[]; integrity: string }> {
  const first = await startProcess(dataDir);
  const loading = loadUntilDeath(first.url, workers, ack);
  await new Promise((r) => setTimeout(r, killAfterMs));
  first.child.kill("SIGKILL");
  const requests = await loading;
  await first.exited;
  const second = await startProcess(dataDir);
  try {
    const problems = await verify(second.url, ack);
    return { requests, problems, integrity: await stopAndCheck(second, dataDir) };
  } catch (e) {
    second.child.kill("SIGKILL");
    throw e;
  }
}

async function stopAndCheck(server: ServerProcess, dataDir: string): Promise<string> {
  server.child.kill("SIGKILL");
  await server.exited;
  return integrityCheck(dataDir);
}
