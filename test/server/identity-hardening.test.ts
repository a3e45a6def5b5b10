/**
 * Identity hardening on real servers:
 * - user names: `*`, empty, blank and control characters are refused from every source;
 * - JWT providers: an audience is required off loopback, the JWKS must be https off loopback;
 *   `email_verified: false` means the user is `sub`;
 * - `--api-keys-file` (USER:SHA256 lines) re-read on SIGHUP by a real process;
 * - no authentication only on loopback, and there: Host, Origin and Content-Type are checked so a
 *   browser page cannot drive the server (CSRF, DNS rebinding). Refused requests change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { KmsClient, type SymmetricKey } from "cloudproof_kms_js";
import { postKmip, startTestServer, t, useTestServer, valueOf, type TestServer } from "../helpers/server.ts";
import { ConfigError, loadConfig } from "../../src/server/config.ts";

const root = path.resolve(import.meta.dirname, "../..");
const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "kms-identity-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "(started)",
    (e: Error) => `${e.constructor.name}: ${e.message}`,
  );

describe("user names refused from every source", () => {
  test.each([
    [["--api-key", "*:a-token-of-at-least-16-chars"], '--api-key user "*": the wildcard * is not a user'],
    [["--api-key", "   :a-token-of-at-least-16-chars"], '--api-key user "   ": a user name cannot be empty'],
    [
      ["--api-key", "ali\u001bce:a-token-of-at-least-16-chars"],
      '--api-key user "ali\\u001bce": a user name cannot hold control characters',
    ],
    [["--default-username", "*"], '--default-username "*": the wildcard * is not a user'],
    [["--default-username", " "], '--default-username " ": a user name cannot be empty'],
  ])("%j", (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(new ConfigError(message));
  });

  test("in an API keys file: the server does not start, and names the line", async () => {
    const dir = tempDir();
    const file = path.join(dir, "keys");
    writeFileSync(file, `# comment\nalice:${sha256("alice-token-0123456789")}\n*:${sha256("star-token-0123456789")}\n`);
    expect(await refusal(startTestServer({ apiKeysFile: file, dataDir: dir }))).toBe(
      `Error: ${file} line 3: the wildcard * is not a user`,
    );
    writeFileSync(file, `alice:not-a-digest\n`);
    expect(await refusal(startTestServer({ apiKeysFile: file, dataDir: dir }))).toBe(
      `Error: ${file} line 1: expected USER:SHA256-HEX-OF-TOKEN (64 hex digits)`,
    );
  });
});

describe("certificate CN: trimmed, and refused when it is not a valid user name", () => {
  const CERTS = path.join(root, "test/vectors/certs");
  const pem = (f: string) => readFileSync(path.join(CERTS, f), "utf8");
  let server: TestServer;
  useTestServer((s) => (server = s), {
    tls: {
      certFile: path.join(CERTS, "server.pem"),
      keyFile: path.join(CERTS, "server.key"),
      clientsCaFile: path.join(CERTS, "ca.pem"),
    },
  });
  const me = async (who: string) => {
    const r = await fetch(`${server.url}/me`, {
      tls: { ca: pem("ca.pem"), cert: pem(`${who}.pem`), key: pem(`${who}.key`) },
    } as RequestInit);
    return `${r.status} ${await r.text()}`;
  };
  test("CN ' carol@example.com ' is carol@example.com; CN 'eve<TAB>admin' and CN '*' are no identity", async () => {
    expect(await me("spaced")).toBe('200 {"user":"carol@example.com"}');
    expect(await me("control")).toBe("401 Authentication_Not_Successful: No authentication provided.");
    expect(await me("wildcard")).toBe("401 Authentication_Not_Successful: No authentication provided.");
    expect(await me("alice")).toBe('200 {"user":"alice@example.com"}');
  });
});

describe("JWT providers", () => {
  let jwks: ReturnType<typeof Bun.serve>;
  let key: CryptoKey;
  let server: TestServer;
  let issuer: string;
  beforeAll(async () => {
    const pair = await generateKeyPair("ES256");
    key = pair.privateKey;
    const keys = [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" }];
    jwks = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ keys }) });
    issuer = `http://127.0.0.1:${jwks.port}`;
    // issuer and JWKS on loopback: a local test issuer, allowed without an audience
    server = await startTestServer({ jwtProviders: [{ issuer }] });
  });
  afterAll(async () => {
    await server?.dispose();
    jwks?.stop(true);
  });
  const token = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(issuer)
      .setExpirationTime("5m")
      .sign(key);
  const me = async (claims: Record<string, unknown>) => {
    const r = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${await token(claims)}` } });
    return `${r.status} ${await r.text()}`;
  };

  test("an audience is required unless issuer and JWKS are on loopback; the JWKS must be https off loopback", async () => {
    const local = `http://127.0.0.1:${jwks.port}/jwks`;
    expect(
      await refusal(startTestServer({ jwtProviders: [{ issuer: "https://idp.example.com", jwksUri: local }] })),
    ).toBe(
      "ConfigError: the JWT provider https://idp.example.com needs an audience (ISSUER,JWKS_URI,AUDIENCE): without one, tokens the issuer minted for any other application would be accepted",
    );
    expect(
      await refusal(
        startTestServer({
          jwtProviders: [
            { issuer: "https://idp.example.com", jwksUri: "http://idp.example.com/jwks", audience: ["kms"] },
          ],
        }),
      ),
    ).toBe(
      "ConfigError: the JWKS of issuer https://idp.example.com must be fetched over https (got http://idp.example.com); plain http is allowed on loopback only",
    );
    expect(() => loadConfig(["--jwt-auth-provider", "https://idp.example.com"], {})).toThrow(/needs an audience/);
    expect(loadConfig(["--jwt-auth-provider", "https://idp.example.com,,kms"], {})).toMatchObject({ kind: "run" }); // https JWKS by default
  });

  test("email_verified false: the user is sub; true or absent: the email", async () => {
    expect(await me({ email: "alice@example.com", email_verified: false, sub: "idp|123" })).toBe(
      '200 {"user":"idp|123"}',
    );
    expect(await me({ email: "alice@example.com", email_verified: "false", sub: "idp|123" })).toBe(
      '200 {"user":"idp|123"}',
    );
    expect(await me({ email: "alice@example.com", email_verified: false })).toBe(
      "401 Authentication_Not_Successful: invalid JWT: the token has neither a (verified) email nor a sub claim",
    );
    expect(await me({ email: "alice@example.com", email_verified: true, sub: "idp|123" })).toBe(
      '200 {"user":"alice@example.com"}',
    );
    expect(await me({ email: "alice@example.com", sub: "idp|123" })).toBe('200 {"user":"alice@example.com"}');
  });

  test.each([
    [{ sub: "*" }, 'the token\'s user "*" is refused: the wildcard * is not a user'],
    [{ email: "*", sub: "x" }, 'the token\'s user "*" is refused: the wildcard * is not a user'],
    [{ email: "  " }, 'the token\'s user "  " is refused: a user name cannot be empty'],
    [{ sub: "bob\nadmin" }, 'the token\'s user "bob\\nadmin" is refused: a user name cannot hold control characters'],
  ])("a token naming %j is refused (401)", async (claims, why) => {
    expect(await me(claims)).toBe(`401 Authentication_Not_Successful: invalid JWT: ${why}`);
  });
});

describe("--api-keys-file in a real process, re-read on SIGHUP", () => {
  test("tokens from the file work; after SIGHUP the new file is in force; a broken file keeps the old keys", async () => {
    const dir = tempDir();
    const file = path.join(dir, "api-keys");
    const [alice, bob] = ["alice-token-0123456789abcdef", "bob-token-0123456789abcdef"];
    writeFileSync(file, `# user:sha256(token)\nalice:${sha256(alice)}\n\n`);
    const child = spawn(
      bun,
      [
        path.join(root, "src/cli/main.ts"),
        "--port",
        "0",
        "--data-dir",
        path.join(dir, "data"),
        "--api-keys-file",
        file,
      ],
      { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(log); i++) await Bun.sleep(50);
      return re.exec(log);
    };
    try {
      const url = (await waitFor(/"url":"([^"]+)"/))![1];
      const me = async (tok: string) => {
        const r = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${tok}` } });
        return `${r.status} ${await r.text()}`;
      };
      expect(await me(alice)).toBe('200 {"user":"alice"}');
      expect(await me(bob)).toBe("401 Authentication_Not_Successful: invalid credentials");
      writeFileSync(file, `bob:${sha256(bob)}\n`);
      child.kill("SIGHUP");
      expect(await waitFor(/"msg":"API keys file re-read".*"keys":1/)).toBeTruthy();
      expect(await me(alice)).toBe("401 Authentication_Not_Successful: invalid credentials");
      expect(await me(bob)).toBe('200 {"user":"bob"}');
      writeFileSync(file, `bob ${sha256(bob)}\n`);
      child.kill("SIGHUP");
      expect(
        await waitFor(
          /"msg":"API keys file NOT re-read: the previous keys stay in use".*line 1: expected USER:SHA256-HEX-OF-TOKEN/,
        ),
      ).toBeTruthy();
      expect(await me(bob)).toBe('200 {"user":"bob"}');
      expect(log).not.toContain(bob);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });

  test("the new settings from TOML and the environment", () => {
    const dir = tempDir();
    const toml = path.join(dir, "kms.toml");
    writeFileSync(
      toml,
      '[http]\nhostname = "0.0.0.0"\n[auth]\napi_keys_file = "/etc/kms/api-keys"\n[audit]\nkey_file = "/etc/kms/audit.key"\ncheckpoint_records = 50\ncheckpoint_seconds = 5\n',
    );
    expect(loadConfig(["-c", toml], {})).toMatchObject({
      kind: "run",
      config: {
        hostname: "0.0.0.0",
        apiKeysFile: "/etc/kms/api-keys",
        auditKeyFile: "/etc/kms/audit.key",
        auditCheckpointRecords: 50,
        auditCheckpointSeconds: 5,
      },
    });
    writeFileSync(toml, '[http]\nhostname = "0.0.0.0"\n[auth]\ninsecure_no_auth_on_network = true\n');
    expect(loadConfig(["-c", toml], {})).toMatchObject({ kind: "run", config: { insecureNoAuthOnNetwork: true } });
    expect(loadConfig([], { KMS_API_KEYS_FILE: "/k", KMS_AUDIT_KEY_FILE: "/a" })).toMatchObject({
      config: { apiKeysFile: "/k", auditKeyFile: "/a" },
    });
    expect(() => loadConfig(["--audit-checkpoint-records", "0"], {})).toThrow(
      'audit checkpoint records must be a positive integer, got "0"',
    );
  });

  test("--help prefers the file to --api-key", () => {
    const help = spawnSync(bun, [path.join(root, "src/cli/main.ts"), "--help"], { cwd: root, encoding: "utf8" }).stdout;
    expect(help).toMatch(
      /--api-keys-file FILE +API keys, one USER:SHA256-HEX-OF-TOKEN per line .*re-read on SIGHUP\. Preferred to --api-key/,
    );
    expect(help).toMatch(/--api-key USER:TOKEN .*The token shows in `ps`: prefer --api-keys-file/);
    expect(help).toMatch(/--insecure-no-auth-on-network +allow no authentication on a non-loopback --hostname/);
  });
});

describe("no authentication: loopback only", () => {
  test("a non-loopback hostname without authentication is refused at start (exit 2), unless explicitly allowed", () => {
    const r = spawnSync(
      bun,
      [
        path.join(root, "src/cli/main.ts"),
        "--hostname",
        "0.0.0.0",
        "--port",
        "0",
        "--data-dir",
        path.join(tempDir(), "d"),
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'error: refusing to listen on 0.0.0.0 without authentication: anyone who can connect would be "admin". Configure --api-keys-file, --jwt-auth-provider or --clients-ca-cert-file, listen on 127.0.0.1, or pass --insecure-no-auth-on-network\n',
    );
    expect(loadConfig(["--hostname", "0.0.0.0", "--insecure-no-auth-on-network"], {})).toMatchObject({
      kind: "run",
      config: { insecureNoAuthOnNetwork: true },
    });
    expect(loadConfig(["--hostname", "0.0.0.0"], { KMS_INSECURE_NO_AUTH_ON_NETWORK: "true" })).toMatchObject({
      kind: "run",
    });
    expect(loadConfig(["--hostname", "0.0.0.0", "--api-keys-file", "/dev/null"], {})).toMatchObject({ kind: "run" });
    expect(loadConfig(["--hostname", "localhost"], {})).toMatchObject({ kind: "run" });
    expect(loadConfig(["--hostname", "::1"], {})).toMatchObject({ kind: "run" });
  });

  let server: TestServer;
  useTestServer((s) => (server = s));
  const CREATE = JSON.stringify(
    t.s(
      "Create",
      t.e("ObjectType", "SymmetricKey"),
      t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
    ),
  );
  const send = async (headers: Record<string, string>, body: BodyInit = CREATE, route = "/kmip/2_1") => {
    const r = await fetch(server.url + route, { method: "POST", headers, body });
    return `${r.status} ${r.status === 200 ? "ok" : await r.text()}`;
  };
  const owned = async () =>
    ((await (await fetch(`${server.url}/access/owned`)).json()) as { object_id: string }[])
      .map((o) => o.object_id)
      .sort();

  test("the real client works (it sends application/json and no Origin)", async () => {
    const client = new KmsClient(server.url);
    const uid = await client.createSymmetricKey();
    expect(((await client.getObject(uid)).value as SymmetricKey).bytes().length).toBe(32);
  });

  test("Host must be localhost, 127.0.0.1 or [::1] with our port (DNS rebinding); refused requests create nothing", async () => {
    const before = await owned();
    const port = server.port;
    const json = { "content-type": "application/json" };
    const hostRefused = (h: string) =>
      `403 Permission_Denied: unexpected Host ${JSON.stringify(h)}: without authentication this server only answers localhost, 127.0.0.1 or [::1] on port ${port}`;
    expect(await send({ ...json, host: `evil.example:${port}` })).toBe(hostRefused(`evil.example:${port}`));
    expect(await send({ ...json, host: `127.0.0.1:${port + 1}` })).toBe(hostRefused(`127.0.0.1:${port + 1}`));
    expect(await send({ ...json, host: "localhost" })).toBe(hostRefused("localhost"));
    expect(await owned()).toEqual(before);
    for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`])
      expect(await send({ ...json, host })).toBe("200 ok");
    expect((await owned()).length).toBe(before.length + 4);
  });

  test("a foreign Origin is refused; our own is accepted", async () => {
    const before = await owned();
    const json = { "content-type": "application/json" };
    expect(await send({ ...json, origin: "http://evil.example" })).toBe(
      '403 Permission_Denied: cross-origin requests are refused (Origin "http://evil.example" is not this server)',
    );
    expect(await send({ ...json, origin: "null" })).toBe(
      '403 Permission_Denied: cross-origin requests are refused (Origin "null" is not this server)',
    );
    expect(await send({ ...json, origin: `http://localhost:${server.port}` })).toMatch(/^403 /); // Host is 127.0.0.1: another origin
    expect(await owned()).toEqual(before);
    expect(await send({ ...json, origin: `http://127.0.0.1:${server.port}` })).toBe("200 ok");
  });

  test("bodies a page can post cross-site without a preflight are refused (415): text/plain, forms, multipart, none", async () => {
    const before = await owned();
    const refused = (type: string) =>
      `415 Invalid_Message: Content-Type ${JSON.stringify(type)} is refused: send application/json (or application/octet-stream)`;
    expect(await send({ "content-type": "text/plain;charset=UTF-8" })).toBe(refused("text/plain"));
    expect(await send({ "content-type": "application/x-www-form-urlencoded" })).toBe(
      refused("application/x-www-form-urlencoded"),
    );
    const form = new FormData();
    form.set("x", CREATE);
    expect(await send({}, form)).toBe(refused("multipart/form-data"));
    expect(await send({}, new Blob([CREATE]))).toBe(refused("(none)"));
    expect(
      await send(
        { "content-type": "text/plain" },
        JSON.stringify({ unique_identifier: before[0] ?? "x", user_id: "eve", operation_types: ["get"] }),
        "/access/grant",
      ),
    ).toBe(refused("text/plain"));
    expect(await owned()).toEqual(before);
    expect(await send({ "content-type": "application/json; charset=utf-8" })).toBe("200 ok");
    expect(await send({ "content-type": "application/octet-stream" })).toBe("200 ok");
  });

  test("a refused cross-site Destroy leaves the key as it was", async () => {
    const c = await postKmip(server.url, JSON.parse(CREATE));
    const uid = valueOf(c.json, "UniqueIdentifier") as string;
    const get = async () => (await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", uid)))).text;
    const before = await get();
    const destroy = JSON.stringify(t.s("Destroy", t.text("UniqueIdentifier", uid)));
    expect(await send({ "content-type": "text/plain" }, destroy)).toMatch(/^415 /);
    expect(await send({ "content-type": "application/json", origin: "https://evil.example" }, destroy)).toMatch(
      /^403 /,
    );
    expect(
      await send({ "content-type": "application/json", host: `rebind.evil.example:${server.port}` }, destroy),
    ).toMatch(/^403 /);
    expect(await get()).toBe(before);
  });
});

describe("no authentication on the network (--insecure-no-auth-on-network)", () => {
  let server: TestServer;
  useTestServer((s) => (server = s), { hostname: "0.0.0.0", insecureNoAuthOnNetwork: true });
  test("any Host is answered (clients use the machine's name), but cross-site bodies and origins are still refused", async () => {
    const url = `http://127.0.0.1:${server.port}/kmip/2_1`;
    const body = JSON.stringify(
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
      ),
    );
    const post = async (headers: Record<string, string>) =>
      (await fetch(url, { method: "POST", headers, body })).status;
    expect(await post({ host: `kms.internal.example:${server.port}`, "content-type": "application/json" })).toBe(200);
    expect(await post({ host: `kms.internal.example:${server.port}`, "content-type": "text/plain" })).toBe(415);
    expect(
      await post({
        host: `kms.internal.example:${server.port}`,
        "content-type": "application/json",
        origin: "http://evil.example",
      }),
    ).toBe(403);
  });
});

describe("with authentication, a foreign Origin is refused too", () => {
  let server: TestServer;
  useTestServer((s) => (server = s), { apiKeys: [{ user: "alice", token: "alice-token-0123456789" }] });
  test("even with a valid token", async () => {
    const headers = { authorization: "Bearer alice-token-0123456789", origin: "https://evil.example" };
    const r = await fetch(`${server.url}/me`, { headers });
    expect([r.status, await r.text()]).toEqual([
      403,
      'Permission_Denied: cross-origin requests are refused (Origin "https://evil.example" is not this server)',
    ]);
    const ok = await fetch(`${server.url}/me`, { headers: { authorization: headers.authorization } });
    expect([ok.status, await ok.text()]).toEqual([200, '{"user":"alice"}']);
  });
});
