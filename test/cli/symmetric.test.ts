/**
 * `kms sym ...`, `locate`, `get-attributes`, `server-version`, configuration and exit codes: each
 * command run as a subprocess against a real server (API keys), checking outputs, files and that
 * nothing is half-written on error.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ids, kms, tempDir } from "./helpers.ts";

const TOKENS = { alice: "alice-token-0123456789abcdef", bob: "bob-token-0123456789abcdefgh" };
let server: TestServer;
let dir: string;
let alice: Record<string, string>;
let bob: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer({ apiKeys: Object.entries(TOKENS).map(([user, token]) => ({ user, token })) });
  dir = tempDir();
  alice = { KMS_URL: server.url, KMS_API_KEY: TOKENS.alice };
  bob = { KMS_URL: server.url, KMS_API_KEY: TOKENS.bob };
});
afterAll(async () => {
  await server?.dispose();
});

const file = (name: string) => path.join(dir, name);
/** Files of the temp folder (temporaries start with a dot). */
const leftovers = () => readdirSync(dir).filter((f) => f.startsWith("."));

async function createKey(extra: string[] = [], env = alice): Promise<string> {
  const r = await kms(["sym", "keys", "create", ...extra], env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^The symmetric key was successfully generated\.\n\t {2}Unique identifier: \S+\n$/);
  return ids(r.stdout)[0];
}

describe("help, usage and configuration", () => {
  test("--help at every level, exit 0; a usage error is one line and exit 2", async () => {
    for (const args of [
      ["help"],
      ["sym", "--help"],
      ["sym", "keys", "--help"],
      ["sym", "keys", "create", "--help"],
      ["cc", "keys", "create-user-key", "-h"],
      ["access-rights", "grant", "--help"],
    ]) {
      const r = await kms(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/usage: kms/);
    }
    const help = await kms(["help"]);
    for (const name of ["sym", "ec", "rsa", "cc", "fpe", "locate", "get-attributes", "access-rights", "server-version"])
      expect(help.stdout).toContain(`kms ${name}`);
    const unknown = await kms(["sym", "keys", "frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^error: unknown command "frobnicate" for kms sym keys; known: create, rekey, export/,
    );
    const badFlag = await kms(["sym", "keys", "create", "--no-such-flag"], alice);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/^error: Unknown option '--no-such-flag'/);
    const badBits = await kms(["sym", "keys", "create", "-l", "100"], alice);
    expect([badBits.code, badBits.stderr]).toEqual([2, "error: an AES key has 128, 192 or 256 bits, not 100\n"]);
    const missing = await kms(["sym", "encrypt"], alice);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: missing argument: expected FILE/);
  });

  test("server-version; URL and key from flags, env or a TOML file; no key or a wrong one: exit 1, one line", async () => {
    const v = await kms(["server-version"], { KMS_URL: server.url });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(server.config.vendorId === undefined ? v.stdout.trim() : v.stdout.trim());
    expect(v.stdout.trim().length).toBeGreaterThan(0);
    const keyFile = file("alice.key");
    writeFileSync(keyFile, TOKENS.alice + "\n", { mode: 0o600 });
    const flags = await kms(["locate", "--kms-url", server.url, "--api-key-file", keyFile]);
    expect(flags.code, flags.stderr).toBe(0);
    const conf = file("kms.toml");
    writeFileSync(conf, `[http_config]\nserver_url = "${server.url}"\napi_key_file = "${keyFile}"\n`);
    const viaConf = await kms(["sym", "keys", "create", "--json"], { KMS_CLI_CONF: conf });
    expect(viaConf.code, viaConf.stderr).toBe(0);
    expect(JSON.parse(viaConf.stdout)).toEqual({ unique_identifier: expect.any(String) });
    const none = await kms(["sym", "keys", "create"], { KMS_URL: server.url });
    expect([none.code, none.stderr]).toEqual([
      1,
      "error: Authentication_Not_Successful: No authentication provided.\n",
    ]);
    const wrong = await kms(["sym", "keys", "create"], { KMS_URL: server.url, KMS_API_KEY: "not-the-token" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: Authentication_Not_Successful: .*\n$/);
    expect(wrong.stderr).not.toContain("not-the-token");
    const badUrl = await kms(["server-version", "--kms-url", "ftp://x"]);
    expect([badUrl.code, badUrl.stderr]).toEqual([
      2,
      'error: the server URL "ftp://x" is not an http:// or https:// URL\n',
    ]);
    const badToml = file("bad.toml");
    writeFileSync(badToml, "[http_config\nserver_url = 1");
    const r = await kms(["server-version", "--conf", badToml]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot load the configuration file .*bad\.toml/);
    const down = await kms(["server-version", "--kms-url", "http://127.0.0.1:9"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^error: cannot reach the KMS at http:\/\/127\.0\.0\.1:9/);
  });
});

describe("sym keys", () => {
  test("create (id, tags, length, algorithm), get-attributes, locate by tag, rekey, revoke, destroy", async () => {
    const tag = `t-${crypto.randomUUID()}`;
    const id = await createKey(["-t", tag, "-l", "128", `my-key-${tag}`]);
    expect(id).toBe(`my-key-${tag}`);
    const attrs = await kms(["get-attributes", "-i", id, "--json"], alice);
    expect(attrs.code, attrs.stderr).toBe(0);
    const a = JSON.parse(attrs.stdout);
    expect(a).toMatchObject({
      unique_identifier: id,
      CryptographicAlgorithm: "AES",
      CryptographicLength: 128,
      ObjectType: "SymmetricKey",
      State: "Active",
    });
    const chacha = await createKey(["-a", "chacha20", "-t", tag]);
    const loc = await kms(["locate", "-t", tag], alice);
    expect(loc.code, loc.stderr).toBe(0);
    expect(loc.stdout.trim().split("\n").sort()).toEqual([id, chacha].sort());
    const locAlg = await kms(["locate", "-t", tag, "-a", "ChaCha20", "--json"], alice);
    expect(JSON.parse(locAlg.stdout)).toEqual([chacha]);
    const none = await kms(["locate", "-t", `${tag}-none`], alice);
    expect([none.code, none.stdout, none.stderr]).toEqual([0, "", "No object found.\n"]);
    const rk = await kms(["sym", "keys", "rekey", "-k", id], alice);
    expect(rk.code, rk.stderr).toBe(0);
    const newId = ids(rk.stdout)[0];
    expect(newId).not.toBe(id);
    const rv = await kms(["sym", "keys", "revoke", "-k", chacha, "no longer needed"], alice);
    expect(rv.code, rv.stderr).toBe(0);
    expect(JSON.parse((await kms(["get-attributes", "-i", chacha, "--json"], alice)).stdout).State).toBe("Deactivated");
    const ds = await kms(["sym", "keys", "destroy", "-k", chacha], alice);
    expect(ds.code, ds.stderr).toBe(0);
    expect(JSON.parse((await kms(["get-attributes", "-i", chacha, "--json"], alice)).stdout).State).toBe("Destroyed");
    const gone = await kms(["sym", "keys", "revoke", "-k", "no-such-key-anywhere", "x"], alice);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: Item_Not_Found: .*no-such-key-anywhere\n$/);
  });

  test("export (json-ttlv, raw, base64) and import back; --bytes-b64; a bad file fails cleanly", async () => {
    const b64 = randomBytes(32).toString("base64");
    const id = await createKey(["-k", b64]);
    const jf = file(`${id}.json`),
      rf = file(`${id}.raw`),
      bf = file(`${id}.b64`);
    for (const [f, fmt] of [
      [jf, "json-ttlv"],
      [rf, "raw"],
      [bf, "base64"],
    ]) {
      const r = await kms(["sym", "keys", "export", "-k", id, "-f", fmt, f], alice);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(readFileSync(rf).toString("base64")).toBe(b64);
    expect(readFileSync(bf, "utf8").trim()).toBe(b64);
    expect(statSync(rf).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(jf, "utf8")).tag).toBe("SymmetricKey");
    const imported = await kms(["sym", "keys", "import", jf, `${id}-copy`, "-t", "copied"], alice);
    expect(imported.code, imported.stderr).toBe(0);
    expect(ids(imported.stdout)).toEqual([`${id}-copy`]);
    const raw = await kms(["sym", "keys", "import", rf, "-f", "aes"], alice);
    expect(raw.code, raw.stderr).toBe(0);
    for (const copy of [`${id}-copy`, ids(raw.stdout)[0]]) {
      const again = file(`${copy}.again`);
      expect((await kms(["sym", "keys", "export", "-k", copy, "-f", "raw", again], alice)).code).toBe(0);
      expect(readFileSync(again).toString("base64")).toBe(b64);
    }
    const bad = file("not-a-key.json");
    writeFileSync(bad, "{ not json");
    const r = await kms(["sym", "keys", "import", bad], alice);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*not-a-key\.json is not a JSON TTLV object/);
    const missing = await kms(["sym", "keys", "import", file("nope.json")], alice);
    expect([missing.code, missing.stderr]).toEqual([1, `error: cannot read ${file("nope.json")}: no such file\n`]);
    const sensitive = await createKey(["--sensitive"]);
    const out = file("sensitive.raw");
    const refused = await kms(["sym", "keys", "export", "-k", sensitive, "-f", "raw", out], alice);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: (Sensitive|Not_Extractable|Permission_Denied|Illegal_Operation): /);
    expect(existsSync(out)).toBe(false);
  });
});

describe("sym encrypt / decrypt (envelope, streamed)", () => {
  let key: string;
  let input: string;
  let plain: Buffer;
  beforeAll(async () => {
    key = await createKey();
    plain = randomBytes(3 * 1024 * 1024 + 12345);
    input = file("big.bin");
    writeFileSync(input, plain);
  });

  test("a multi-chunk file round-trips; decrypt finds the key in the header; progress lines when piped, none with --quiet", async () => {
    const enc = await kms(["sym", "encrypt", input, "-k", key, "-o", file("big.enc")], alice);
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stdout).toBe(`The encrypted file is available at ${file("big.enc")}\n`);
    expect(enc.stderr).toMatch(/^encrypt: \d+% .*done\n$/m);
    const sealed = readFileSync(file("big.enc"));
    expect(sealed.subarray(0, 6).toString()).toBe("KMSENV");
    expect(sealed.length).toBeGreaterThan(plain.length + 4 * 16);
    expect(sealed.includes(plain.subarray(0, 64))).toBe(false);
    const dec = await kms(["sym", "decrypt", file("big.enc"), "-o", file("big.out"), "--quiet"], alice);
    expect([dec.code, dec.stderr]).toEqual([0, ""]);
    expect(readFileSync(file("big.out")).equals(plain)).toBe(true);
    // default names, as ckms: FILE.enc, then FILE.plain
    const small = file("note.txt");
    writeFileSync(small, "");
    expect((await kms(["sym", "encrypt", small, "-k", key, "-q"], alice)).code).toBe(0);
    expect((await kms(["sym", "decrypt", file("note.enc"), "-q", "--json"], alice)).stdout).toBe(
      JSON.stringify({ output_file: file("note.plain"), bytes: 0 }, null, 2) + "\n",
    );
    expect(readFileSync(file("note.plain")).length).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  test("tampering, truncation, reordering, a wrong or unknown key: exit 1, one line, no output file", async () => {
    const sealed = readFileSync(file("big.enc"));
    const headerEnd = sealed.length - (3 * (1024 * 1024 + 16) + 12345 + 16);
    const cases: [string, Buffer][] = [
      ["flipped", Buffer.concat([sealed.subarray(0, 5000), Buffer.from([sealed[5000] ^ 1]), sealed.subarray(5001)])],
      ["truncated", sealed.subarray(0, headerEnd + 2 * (1024 * 1024 + 16))], // whole chunks dropped: the new last one is not final
      ["cut", sealed.subarray(0, sealed.length - 7)],
      [
        "swapped",
        Buffer.concat([
          sealed.subarray(0, headerEnd),
          sealed.subarray(headerEnd + 1048592, headerEnd + 2 * 1048592),
          sealed.subarray(headerEnd, headerEnd + 1048592),
          sealed.subarray(headerEnd + 2 * 1048592),
        ]),
      ],
      ["header", Buffer.concat([sealed.subarray(0, 13), Buffer.from([sealed[13] ^ 1]), sealed.subarray(14)])], // nonce prefix
    ];
    for (const [name, bytes] of cases) {
      const f = file(`${name}.enc`);
      writeFileSync(f, bytes);
      const out = file(`${name}.out`);
      const r = await kms(["sym", "decrypt", f, "-o", out, "-q"], alice);
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr, name).toMatch(/^error: .*(fails authentication|truncated)/);
      expect(r.stderr.split("\n").length, name).toBe(2);
      expect(existsSync(out), name).toBe(false);
    }
    const other = await createKey();
    const wrong = await kms(["sym", "decrypt", file("big.enc"), "-k", other, "-o", file("wrong.out")], alice);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: Cryptographic_Failure: /);
    expect(existsSync(file("wrong.out"))).toBe(false);
    const unknown = await kms(
      ["sym", "encrypt", input, "-k", "no-such-key-anywhere", "-o", file("unknown.enc")],
      alice,
    );
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      "error: Item_Not_Found: Item not found: no-such-key-anywhere\n",
    ]);
    expect(existsSync(file("unknown.enc"))).toBe(false);
    const notOurs = file("plain.txt");
    writeFileSync(notOurs, "hello, not encrypted");
    const r = await kms(["sym", "decrypt", notOurs, "-k", key], alice);
    expect([r.code, r.stderr]).toEqual([
      1,
      `error: ${notOurs} is not a file encrypted by kms sym encrypt: bad magic\n`,
    ]);
    const missing = await kms(["sym", "encrypt", file("missing.bin"), "-k", key], alice);
    expect([missing.code, missing.stderr]).toEqual([1, `error: cannot read ${file("missing.bin")}: no such file\n`]);
    expect(existsSync(file("missing.enc"))).toBe(false);
    // bob may not use alice's key: his attempt fails and alice's file stays as it was
    const before = readFileSync(file("big.out"));
    const theft = await kms(["sym", "decrypt", file("big.enc"), "-o", file("big.out")], bob);
    expect(theft.code).toBe(1);
    expect(theft.stderr).toMatch(/^error: Item_Not_Found: /);
    expect(readFileSync(file("big.out")).equals(before)).toBe(true);
    expect(leftovers()).toEqual([]);
  });
});

describe("rotation policy from the command line", () => {
  test("create with --rotation-interval/--rotation-name, get/set-rotation-policy, rotation by the server, locate --latest, encrypt by the name", async () => {
    const name = `cli-ks-${crypto.randomUUID()}`;
    const key = await createKey(["--rotation-interval", "60", "--rotation-name", name]);
    const policy = JSON.parse((await kms(["sym", "keys", "get-rotation-policy", "-k", key, "--json"], alice)).stdout);
    expect(policy).toMatchObject({
      unique_identifier: key,
      RotateAutomatic: true,
      RotateInterval: 60,
      RotateName: name,
    });
    const set = await kms(
      ["sym", "keys", "set-rotation-policy", "-k", key, "--interval", "120", "--offset", "30"],
      alice,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(`Rotation policy set successfully.\n\t  Unique identifier: ${key}\n`);
    const human = await kms(["sym", "keys", "get-rotation-policy", "-k", key], alice);
    expect(human.stdout).toContain("RotateInterval: 120");
    expect(human.stdout).toContain("RotateOffset: 30");
    const r = await server.rotation.runOnce(new Date(Date.now() + 31_000));
    const successor = r.rotated.find((x) => x.old === key)?.new;
    expect(successor, JSON.stringify(r)).toBeDefined();
    const latest = await kms(["locate", "--rotation-name", name, "--latest"], alice);
    expect([latest.code, latest.stdout]).toEqual([0, `${successor}\n`]);
    writeFileSync(file("rot.txt"), "rotating");
    expect((await kms(["sym", "encrypt", file("rot.txt"), "-k", name, "-o", file("rot.enc"), "-q"], alice)).code).toBe(
      0,
    );
    const sealed = readFileSync(file("rot.enc"));
    expect(sealed.includes(Buffer.from(successor!))).toBe(true); // the header names the generation used
    expect((await kms(["sym", "decrypt", file("rot.enc"), "-o", file("rot.out"), "-q"], alice)).code).toBe(0);
    expect(readFileSync(file("rot.out"), "utf8")).toBe("rotating");
    const bad = await kms(["sym", "keys", "set-rotation-policy", "-k", key], alice);
    expect([bad.code, bad.stderr]).toEqual([2, "error: give at least one of --interval, --offset, --rotation-name\n"]);
    const at = await kms(["sym", "keys", "create", "--rotation-name", "a@b"], alice);
    expect([at.code, at.stderr]).toEqual([2, "error: a rotation name is not empty and has no '@'\n"]);
  });
});
