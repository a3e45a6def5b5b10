/**
 * `kms ec|rsa|cc|fpe ...` and `kms access-rights ...` run as subprocesses against a real server
 * (two API-key users), including bad input: a bad policy, a wrong key, a missing file, another
 * user's key (whose data must stay unchanged).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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

async function ok(args: string[], env = alice, input?: string): Promise<string> {
  const r = await kms(args, env, input);
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe("ec and rsa", () => {
  test.each([
    ["ec", ["-c", "nist-p256"]],
    ["ec", ["-c", "x25519"]],
    ["rsa", ["-s", "2048"]],
  ])("%s keys create %j, encrypt with the public key, decrypt with the private key", async (family, flags) => {
    const [sk, pk] = ids(await ok([family, "keys", "create", ...flags, "-t", `${family}-tag`]));
    expect(pk).toBe(`${sk}_pk`);
    const plain = randomBytes(100);
    const input = file(`${family}-${flags[1]}.bin`);
    writeFileSync(input, plain);
    await ok([family, "encrypt", input, "-k", pk, "-o", `${input}.enc`]);
    expect(readFileSync(`${input}.enc`).equals(plain)).toBe(false);
    await ok([family, "decrypt", `${input}.enc`, "-k", sk, "-o", `${input}.out`]);
    expect(readFileSync(`${input}.out`).equals(plain)).toBe(true);
    // the public key cannot decrypt; nothing is written
    const r = await kms([family, "decrypt", `${input}.enc`, "-k", pk, "-o", `${input}.bad`], alice);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: [A-Z][A-Za-z_]+: .+\n$/);
    expect(existsSync(`${input}.bad`)).toBe(false);
  });

  test("a bad curve or size is a usage error; revoke and destroy a pair", async () => {
    const curve = await kms(["ec", "keys", "create", "-c", "p-999"], alice);
    expect(curve.code).toBe(2);
    expect(curve.stderr).toMatch(/^error: unknown curve "p-999"; one of: nist-p256, /);
    const size = await kms(["rsa", "keys", "create", "-s", "1000"], alice);
    expect([size.code, size.stderr]).toEqual([
      2,
      "error: an RSA key has 2048 to 8192 bits (a multiple of 8), not 1000\n",
    ]);
    const [sk] = ids(await ok(["ec", "keys", "create", "-c", "ed25519"]));
    await ok(["ec", "keys", "revoke", "-k", sk, "test"]);
    await ok(["ec", "keys", "destroy", "-k", sk]);
    expect(JSON.parse(await ok(["get-attributes", "-i", sk, "--json"])).State).toBe("Destroyed");
  });
});

describe("cc (CoverCrypt)", () => {
  let msk: string, mpk: string;
  const spec = {
    "Security Level::<": ["Protected", "Confidential", "Top Secret::+"],
    Department: ["R&D", "HR", "MKG", "FIN"],
  };

  beforeAll(async () => {
    writeFileSync(file("policy.json"), JSON.stringify(spec));
    [msk, mpk] = ids(
      await ok(["cc", "keys", "create-master-key-pair", "--specification", file("policy.json"), "-t", "cc-test"]),
    );
  });

  test("master key pair from ckms's specification; policy view; user key; encrypt and decrypt by policy", async () => {
    const view = JSON.parse(await ok(["cc", "policy", "view", "-i", mpk, "--json"]));
    expect(view.dimensions["Security Level"].Ordered["Top Secret"]).toEqual({
      id: 3,
      encryption_hint: "Hybridized",
      write_status: "EncryptDecrypt",
    });
    expect(Object.keys(view.dimensions.Department.Unordered)).toEqual(["R&D", "HR", "MKG", "FIN"]);
    expect(JSON.parse(await ok(["cc", "access-structure", "view", "-i", msk, "--json"]))).toEqual(view);
    const [usk] = ids(
      await ok(["cc", "keys", "create-user-key", msk, "Department::HR && Security Level::Confidential"]),
    );
    const [other] = ids(
      await ok(["cc", "keys", "create-user-key", msk, "Department::FIN && Security Level::Top Secret"]),
    );
    const plain = randomBytes(2000);
    writeFileSync(file("cc.bin"), plain);
    await ok([
      "cc",
      "encrypt",
      file("cc.bin"),
      "Department::HR && Security Level::Protected",
      "-k",
      mpk,
      "-o",
      file("cc.enc"),
    ]);
    await ok(["cc", "decrypt", file("cc.enc"), "-k", usk, "-o", file("cc.out")]);
    expect(readFileSync(file("cc.out")).equals(plain)).toBe(true);
    const denied = await kms(["cc", "decrypt", file("cc.enc"), "-k", other, "-o", file("cc.denied")], alice);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error: [A-Z][A-Za-z_]+: .+\n$/);
    expect(existsSync(file("cc.denied"))).toBe(false);
    // rekey for HR: the user key is refreshed and still decrypts both old and new ciphertexts
    await ok(["cc", "keys", "rekey", "Department::HR", "-k", msk]);
    await ok([
      "cc",
      "encrypt",
      file("cc.bin"),
      "Department::HR && Security Level::Protected",
      "-k",
      mpk,
      "-o",
      file("cc2.enc"),
    ]);
    await ok(["cc", "decrypt", file("cc2.enc"), "-k", usk, "-o", file("cc2.out")]);
    expect(readFileSync(file("cc2.out")).equals(plain)).toBe(true);
    await ok(["cc", "prune", "Department::HR", "-k", msk]);
  });

  test("a bad specification, a bad access policy, a missing file: one line, exit 1, nothing created", async () => {
    writeFileSync(file("bad-policy.json"), '{"Level": []}');
    const before = await ok(["locate", "-t", "cc-test", "--json"]);
    const bad = await kms(
      ["cc", "keys", "create-master-key-pair", "-s", file("bad-policy.json"), "-t", "cc-test"],
      alice,
    );
    expect([bad.code, bad.stderr]).toEqual([
      1,
      `error: ${file("bad-policy.json")}: dimension "Level" must list its attributes as non-empty strings\n`,
    ]);
    writeFileSync(file("not-json.json"), "Level: A, B");
    const notJson = await kms(["cc", "keys", "create-master-key-pair", "-s", file("not-json.json")], alice);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/^error: .*not-json\.json is not JSON/);
    const missing = await kms(["cc", "keys", "create-master-key-pair", "-s", file("nope.json")], alice);
    expect([missing.code, missing.stderr]).toEqual([1, `error: cannot read ${file("nope.json")}: no such file\n`]);
    expect(await ok(["locate", "-t", "cc-test", "--json"])).toBe(before);
    const policy = await kms(["cc", "keys", "create-user-key", msk, "Department::NOPE"], alice);
    expect(policy.code).toBe(1);
    expect(policy.stderr).toMatch(/^error: [A-Z][A-Za-z_]+: .*NOPE.*\n$/);
    const enc = await kms(["cc", "encrypt", file("cc.bin"), "Nope::X", "-k", mpk, "-o", file("nope.enc")], alice);
    expect(enc.code).toBe(1);
    expect(existsSync(file("nope.enc"))).toBe(false);
    const usage = await kms(["cc", "keys", "create-master-key-pair"], alice);
    expect([usage.code, usage.stderr]).toEqual([2, "error: give the policy with --specification FILE\n"]);
  });
});

describe("fpe", () => {
  test("integers and text (alphabet) round-trip from files and stdin; the format is preserved", async () => {
    const [key] = ids(await ok(["fpe", "keys", "create"]));
    writeFileSync(file("card.txt"), "1234567890123456\n");
    await ok(["fpe", "encrypt", "-k", key, "--type", "integer", file("card.txt"), "-o", file("card.enc")]);
    const enc = readFileSync(file("card.enc"), "utf8");
    expect(enc).toMatch(/^\d{16}$/);
    expect(enc).not.toBe("1234567890123456");
    await ok(["fpe", "decrypt", "-k", key, "--type", "integer", file("card.enc"), "-o", file("card.out")]);
    expect(readFileSync(file("card.out"), "utf8")).toBe("1234567890123456");
    const text = await ok(
      ["fpe", "encrypt", "-k", key, "--alphabet", "alpha_lower", "--tweak", "0011"],
      alice,
      "hello-world",
    );
    expect(text).toMatch(/^[a-z]{5}-[a-z]{5}$/);
    expect(await ok(["fpe", "decrypt", "-k", key, "--alphabet", "alpha_lower", "--tweak", "0011"], alice, text)).toBe(
      "hello-world",
    );
    const wrongTweak = await ok(
      ["fpe", "decrypt", "-k", key, "--alphabet", "alpha_lower", "--tweak", "0012"],
      alice,
      text,
    );
    expect(wrongTweak).not.toBe("hello-world");
    const bad = await kms(["fpe", "encrypt", "-k", key, "--type", "integer"], alice, "12ab");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: Invalid_Field: .+\n$/);
    const badType = await kms(["fpe", "encrypt", "-k", key, "--type", "date"], alice, "1");
    expect([badType.code, badType.stderr]).toEqual([
      2,
      'error: unknown FPE data type "date"; one of: text, integer, float\n',
    ]);
  });
});

describe("access-rights", () => {
  test("grant, list, obtained, owned, revoke; bob is refused before and after, and alice's key is unchanged", async () => {
    const [key] = ids(await ok(["sym", "keys", "create", "-t", "shared"]));
    const exported = file("alice-key.raw");
    await ok(["sym", "keys", "export", "-k", key, "-f", "raw", exported]);
    const original = readFileSync(exported);
    const refused = await kms(["sym", "keys", "export", "-k", key, "-f", "raw", file("bob-before.raw")], bob);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^error: (Item|Object)_Not_Found: (Item|Object) not found: ${key}\n$`));
    expect(existsSync(file("bob-before.raw"))).toBe(false);
    const notOwner = await kms(["access-rights", "grant", "bob", "-i", key, "get"], bob);
    expect(notOwner.code).toBe(1);
    expect(notOwner.stderr).toMatch(/^error: (Item_Not_Found|Permission_Denied): /);
    expect(await ok(["access-rights", "grant", "bob", "-i", key, "get", "encrypt"])).toBe(
      "Access for bob successfully added\n",
    );
    expect(JSON.parse(await ok(["access-rights", "list", key, "--json"]))).toEqual([
      { user_id: "bob", operations: ["encrypt", "get"] },
    ]);
    const obtained = JSON.parse(await ok(["access-rights", "obtained", "--json"], bob));
    expect(obtained).toContainEqual(expect.objectContaining({ object_id: key, owner_id: "alice" }));
    expect(await ok(["access-rights", "owned"])).toContain(key);
    await ok(["sym", "keys", "export", "-k", key, "-f", "raw", file("bob.raw")], bob);
    expect(readFileSync(file("bob.raw")).equals(original)).toBe(true);
    // bob may get, not destroy
    const destroy = await kms(["sym", "keys", "destroy", "-k", key], bob);
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toMatch(/^error: Item_Not_Found: /);
    await ok(["access-rights", "revoke", "bob", "-i", key, "get", "encrypt"]);
    const after = await kms(["sym", "keys", "export", "-k", key, "-f", "raw", file("bob-after.raw")], bob);
    expect(after.code).toBe(1);
    expect(existsSync(file("bob-after.raw"))).toBe(false);
    const attrs = JSON.parse(await ok(["get-attributes", "-i", key, "--json"]));
    expect(attrs.State).toBe("Active");
    await ok(["sym", "keys", "export", "-k", key, "-f", "raw", exported]);
    expect(readFileSync(exported).equals(original)).toBe(true);
    const bad = await kms(["access-rights", "grant", "bob", "-i", key, "fly"], alice);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: Invalid_Field: unknown operation type "fly"/);
  });
});
