/**
 * The single executable: `bun build --compile` output, copied alone into an empty folder (no
 * node_modules anywhere above it), serves a Create / Encrypt / Decrypt round trip over HTTP,
 * `kms --version` names the version and the git commit it was built from (from source too); and
 * CoverCrypt with the embedded ristretto255 addon; it takes no bunfig.toml or .env from its working folder.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { KmsClient, PolicyKms } from "cloudproof_kms_js";
import { tmpdir } from "node:os";
import path from "node:path";
import { find, hex, postKmip, t, valueOf } from "../helpers/server.ts";
import { createSoftHsmToken, requireSoftHsm } from "../helpers/softhsm.ts";

const root = path.resolve(import.meta.dirname, "../..");
let work: string;
let child: ChildProcess | undefined;
let url: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "kms-exe-"));
  const built = path.join(work, "build", "kms");
  const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
  const build = spawnSync(bun, [path.join(root, "scripts/build.ts"), built], { cwd: root, encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
  const alone = path.join(work, "alone");
  spawnSync("mkdir", ["-p", alone]);
  copyFileSync(built, path.join(alone, "kms"));
  spawnSync("chmod", ["+x", path.join(alone, "kms")]);
  child = spawn(path.join(alone, "kms"), ["--port", "0", "--data-dir", "data"], {
    cwd: alone,
    env: { PATH: "/usr/bin:/bin" },
  });
  url = await new Promise<string>((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`the executable did not start: ${err}`)), 20_000);
    child!.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const m = /"url":"([^"]+)"/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child!.on("exit", (code) => reject(new Error(`the executable exited with ${code}: ${err}`)));
  });
}, 120_000);

afterAll(() => {
  child?.kill("SIGTERM");
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the compiled executable serves a Create / Encrypt / Decrypt round trip", async () => {
  const help = spawnSync(path.join(work, "alone", "kms"), ["--help"], { encoding: "utf8" });
  expect(help.stdout).toMatch(/--data-dir/);
  for (const alg of ["AES", "ChaCha20"]) {
    const c = await postKmip(
      url,
      t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", alg))),
    );
    expect(c.status, c.text).toBe(200);
    const uid = valueOf(c.json, "UniqueIdentifier") as string;
    const e = await postKmip(url, t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex("compiled"))));
    expect(e.status, e.text).toBe(200);
    const d = await postKmip(
      url,
      t.s(
        "Decrypt",
        t.text("UniqueIdentifier", uid),
        t.b("Data", valueOf(e.json, "Data") as string),
        t.b("IvCounterNonce", valueOf(e.json, "IvCounterNonce") as string),
        t.b("AuthenticatedEncryptionTag", valueOf(e.json, "AuthenticatedEncryptionTag") as string),
      ),
    );
    expect(d.status, d.text).toBe(200);
    expect(Buffer.from(find(d.json, "Data")!.value as string, "hex").toString()).toBe("compiled");
  }
});

test("the executable embeds the signing worker: a slow SLH-DSA signature does not hold up other requests", async () => {
  const c = await postKmip(
    url,
    t.s("CreateKeyPair", t.s("CommonAttributes", t.e("CryptographicAlgorithm", "SLHDSA_SHA2_128s"))),
  );
  expect(c.status, c.text).toBe(200);
  const order: string[] = [];
  const signing = postKmip(
    url,
    t.s("Sign", t.text("UniqueIdentifier", valueOf(c.json, "PrivateKeyUniqueIdentifier") as string), t.b("Data", "00")),
  ).then((r) => (order.push("sign"), r));
  await new Promise((r) => setTimeout(r, 50));
  await fetch(url + "/health").then(() => order.push("health"));
  expect((await signing).status).toBe(200);
  expect(order).toEqual(["health", "sign"]);
}, 60_000);

/** The checkout's commit as git tells it (12 hex digits), or "unknown" outside a git checkout. */
function headCommit(): string {
  const r = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().slice(0, 12) : "unknown";
}
const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;

test("the executable reads no bunfig.toml or .env from its working folder (a bunfig preload would run code in the server)", async () => {
  const folder = path.join(work, "hostile");
  spawnSync("mkdir", ["-p", folder]);
  writeFileSync(path.join(folder, "bunfig.toml"), 'preload = ["./preload.js"]\n');
  writeFileSync(path.join(folder, "preload.js"), 'require("node:fs").writeFileSync("preloaded", "yes");\n');
  writeFileSync(path.join(folder, ".env"), "KMS_DATA_DIR=from-dotenv\n");
  const server = spawn(path.join(work, "alone", "kms"), ["--port", "0"], {
    cwd: folder,
    env: { PATH: "/usr/bin:/bin" },
  });
  try {
    const listening = await new Promise<string>((resolve, reject) => {
      let err = "";
      server.stderr!.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        const line = err.split("\n").find((l) => l.includes('"listening"'));
        if (line) resolve(line);
      });
      server.on("exit", (code) => reject(new Error(`the executable exited with ${code}: ${err}`)));
    });
    expect(JSON.parse(listening).dataDir).toBe(path.join(folder, "kms-data"));
    expect(existsSync(path.join(folder, "preloaded"))).toBe(false);
    expect(existsSync(path.join(folder, "from-dotenv"))).toBe(false);
  } finally {
    server.kill("SIGTERM");
  }
});

test("kms --version from the executable: the package version and the embedded commit, from outside any git repository", () => {
  expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/);
  // cwd is a temp folder outside any git repository: the commit printed must be the embedded one
  const r = spawnSync(path.join(work, "alone", "kms"), ["--version"], {
    cwd: path.join(work, "alone"),
    env: { PATH: "/usr/bin:/bin" },
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe(`${version} (commit ${headCommit()}; TS KMS, Bun)\n`);
});

test("kms --version from source asks git for the commit", () => {
  const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
  const r = spawnSync(bun, [path.join(root, "src/cli/main.ts"), "--version"], { cwd: tmpdir(), encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe(`${version} (commit ${headCommit()}; TS KMS, Bun)\n`);
  expect(headCommit()).toMatch(/^[0-9a-f]{12}$/); // the tests run from a git checkout
});

// The pkcs11js addon is embedded too: the executable alone, with SoftHSM2's library as the system
// file the configuration names, makes a key in the HSM and encrypts with it.
const hsmReady = requireSoftHsm("test/server/executable.test.ts (HSM part)", test);
test.runIf(hsmReady)(
  "the executable embeds the PKCS#11 binding: an HSM key created and used through it (SoftHSM2)",
  async () => {
    const token = createSoftHsmToken();
    const alone = path.join(work, "alone");
    const hsmChild = spawn(
      path.join(alone, "kms"),
      [
        "--port",
        "0",
        "--data-dir",
        "data-hsm",
        "--hsm-model",
        "softhsm2",
        "--hsm-slot",
        token.slot,
        "--hsm-password-file",
        token.pinFile,
        "--key-encryption-key",
        `hsm::${token.slot}::kek`,
      ],
      {
        cwd: alone,
        env: { PATH: "/usr/bin:/bin", SOFTHSM2_CONF: path.join(token.dir, "softhsm2.conf") },
      },
    );
    try {
      const hsmUrl = await new Promise<string>((resolve, reject) => {
        let err = "";
        const timer = setTimeout(() => reject(new Error(`the executable did not start: ${err}`)), 20_000);
        hsmChild.stderr!.on("data", (chunk: Buffer) => {
          err += chunk.toString();
          const m = /"url":"([^"]+)"/.exec(err);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        hsmChild.on("exit", (code) => reject(new Error(`the executable exited with ${code}: ${err}`)));
      });
      const uid = `hsm::${token.slot}::exe-key`;
      for (const id of [`hsm::${token.slot}::kek`, uid]) {
        const c = await postKmip(
          hsmUrl,
          t.s(
            "Create",
            t.e("ObjectType", "SymmetricKey"),
            t.s(
              "Attributes",
              t.e("CryptographicAlgorithm", "AES"),
              t.int("CryptographicLength", 256),
              t.text("UniqueIdentifier", id),
            ),
          ),
        );
        expect(c.status, c.text).toBe(200);
      }
      const e = await postKmip(
        hsmUrl,
        t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex("compiled hsm"))),
      );
      expect(e.status, e.text).toBe(200);
      const d = await postKmip(
        hsmUrl,
        t.s(
          "Decrypt",
          t.text("UniqueIdentifier", uid),
          t.b("Data", valueOf(e.json, "Data") as string),
          t.b("IvCounterNonce", valueOf(e.json, "IvCounterNonce") as string),
          t.b("AuthenticatedEncryptionTag", valueOf(e.json, "AuthenticatedEncryptionTag") as string),
        ),
      );
      expect(d.status, d.text).toBe(200);
      expect(Buffer.from(find(d.json, "Data")!.value as string, "hex").toString()).toBe("compiled hsm");
    } finally {
      hsmChild.kill("SIGTERM");
      token.dispose();
    }
  },
  60_000,
);

test("the compiled executable is also the client: sym keys create, then a file encrypted and decrypted", async () => {
  const exe = path.join(work, "alone", "kms");
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(exe, [...args, "--kms-url", url, "--quiet"], {
        cwd: work,
        env: { PATH: "/usr/bin:/bin", HOME: work },
      });
      let stdout = "",
        stderr = "";
      p.stdout!.on("data", (c: Buffer) => (stdout += c));
      p.stderr!.on("data", (c: Buffer) => (stderr += c));
      p.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
  const created = await run(["sym", "keys", "create"]);
  expect(created.code, created.stderr).toBe(0);
  const key = /identifier: (\S+)/.exec(created.stdout)![1];
  writeFileSync(path.join(work, "msg.txt"), "compiled client");
  expect((await run(["sym", "encrypt", path.join(work, "msg.txt"), "-k", key])).code).toBe(0);
  expect((await run(["sym", "decrypt", path.join(work, "msg.enc")])).code).toBe(0);
  expect(readFileSync(path.join(work, "msg.plain"), "utf8")).toBe("compiled client");
}, 60_000);

test("the executable embeds the ristretto255 addon and serves CoverCrypt with it", async () => {
  // The addon is built by scripts/build.ts when gcc, libsodium-dev and libssl-dev are present
  // (.ci/run installs them); its exported names are then inside the executable.
  const addon = path.join(root, "native/ristretto/build/ristretto.node");
  if (existsSync(addon)) expect(readFileSync(path.join(work, "alone", "kms")).includes("kmacXof256Spans")).toBe(true);
  else if (process.env.CI === "true") throw new Error("the ristretto255 addon was not built");
  else console.warn("SKIP embedded ristretto255 addon check: the addon is not built (bun native/ristretto/build.ts)");
  const client = new KmsClient(url);
  const policy =
    '{"version":"V2","last_attribute_value":2,"dimensions":{"Level":{"Ordered":{"Low":{"id":1,"encryption_hint":"Classic","write_status":"EncryptDecrypt"},"High":{"id":2,"encryption_hint":"Hybridized","write_status":"EncryptDecrypt"}}}}}';
  const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(new TextEncoder().encode(policy)));
  const udkId = await client.createCoverCryptUserDecryptionKey("Level::High", mskId);
  for (const target of ["Level::Low", "Level::High"]) {
    const ct = await client.coverCryptEncrypt(mpkId, target, new TextEncoder().encode(`compiled ${target}`));
    const { plaintext } = await client.coverCryptDecrypt(udkId, ct);
    expect(new TextDecoder().decode(plaintext)).toBe(`compiled ${target}`);
  }
});
