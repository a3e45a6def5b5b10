/**
 * Who is calling (docs/security-identity-and-audit.md), through the real Cosmian JS client and raw HTTP:
 * - JWTs (`--jwt-auth-provider ISSUER,JWKS_URI,AUDIENCE`) signed by a local JWKS served by this test
 *   (a tiny Bun.serve on 127.0.0.1): the user is the `email` claim (or `sub`); expired, wrong
 *   audience/issuer, wrong signature, unsigned, HMAC and expiry-less tokens -> 401;
 * - HTTPS (`--tls-cert-file`/`--tls-key-file`) with the fixed test certificates of
 *   test/vectors/certs/: TLS 1.2 and 1.3 accepted, a TLS 1.1 handshake refused;
 * - TLS client certificates (`--clients-ca-cert-file`): the user is the subject CN; no certificate
 *   or one from another CA is refused at the handshake; a wildcard CN is no identity (401).
 * The client uses the global fetch, so TLS options (CA, client certificate) are injected by wrapping it.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from "jose";
import { KMIPOperations, KmsClient, type SymmetricKey } from "cloudproof_kms_js";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/**
 * A TLS 1.1 ClientHello is refused at the handshake: OpenSSL (Bun) answers a protocol_version
 * alert; rustls (Deno's TLS, KMS_TEST_RUNTIME=deno) a handshake_failure alert. Either way no TLS 1.1
 * session exists.
 */
const TLS11_REFUSED =
  process.env.KMS_TEST_RUNTIME === "deno" ? /^refused: .*HANDSHAKE_FAILURE/i : /^refused: .*PROTOCOL_VERSION/i;

const CERTS = path.join(import.meta.dirname, "../vectors/certs");
const pem = (f: string) => readFileSync(path.join(CERTS, f), "utf8");
const message = (p: Promise<unknown>) =>
  p.then(
    () => "(no error)",
    (e: Error) => e.message,
  );
const keyBytes = async (c: KmsClient, uid: string) =>
  Buffer.from(((await c.getObject(uid)).value as SymmetricKey).bytes());

describe("JWT bearer tokens checked against a local JWKS", () => {
  const ISSUER = "https://idp.test.example";
  const AUDIENCE = "kms-test";
  let jwks: ReturnType<typeof Bun.serve>;
  let server: TestServer;
  let es: CryptoKey, rs: CryptoKey, attacker: CryptoKey;

  beforeAll(async () => {
    const esPair = await generateKeyPair("ES256");
    const rsPair = await generateKeyPair("RS256");
    es = esPair.privateKey;
    rs = rsPair.privateKey;
    attacker = (await generateKeyPair("ES256")).privateKey;
    const keys: JWK[] = [
      { ...(await exportJWK(esPair.publicKey)), kid: "es-1", alg: "ES256", use: "sig" },
      { ...(await exportJWK(rsPair.publicKey)), kid: "rs-1", alg: "RS256", use: "sig" },
    ];
    jwks = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) =>
        new URL(req.url).pathname === "/.well-known/jwks.json"
          ? Response.json({ keys })
          : new Response("not found", { status: 404 }),
    });
    server = await startTestServer({
      jwtProviders: [
        {
          issuer: ISSUER,
          jwksUri: `http://127.0.0.1:${jwks.port}/.well-known/jwks.json`,
          audience: [AUDIENCE, "other-aud"],
        },
      ],
      apiKeys: [{ user: "carol", token: "carol-token-0123456789abcdef" }],
    });
  });
  afterAll(async () => {
    await server?.dispose();
    jwks?.stop(true);
  });

  async function token(
    claims: Record<string, unknown>,
    o: { key?: CryptoKey; kid?: string; alg?: string; iss?: string; aud?: string; exp?: string | number | null } = {},
  ) {
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: o.alg ?? "ES256", kid: o.kid ?? "es-1" })
      .setIssuedAt()
      .setIssuer(o.iss ?? ISSUER)
      .setAudience(o.aud ?? AUDIENCE);
    if (o.exp !== null) jwt = jwt.setExpirationTime(o.exp ?? "5m");
    return jwt.sign(o.key ?? es);
  }
  const me = async (bearer: string) => {
    const res = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: res.status, text: await res.text() };
  };

  test("the user is the email claim (ES256 and RS256 keys of the JWKS), else sub", async () => {
    expect(await me(await token({ email: "alice@example.com", sub: "a-1" }))).toEqual({
      status: 200,
      text: '{"user":"alice@example.com"}',
    });
    expect(await me(await token({ email: "bob@example.com" }, { key: rs, kid: "rs-1", alg: "RS256" }))).toEqual({
      status: 200,
      text: '{"user":"bob@example.com"}',
    });
    expect(await me(await token({ sub: "service-account-7" }))).toEqual({
      status: 200,
      text: '{"user":"service-account-7"}',
    });
    expect(await me(await token({ email: "x@example.com" }, { aud: "other-aud" }))).toEqual({
      status: 200,
      text: '{"user":"x@example.com"}',
    });
  });

  test("owner and grantee through the client with JWTs: denied, granted, revoked", async () => {
    const alice = new KmsClient(server.url, await token({ email: "alice@example.com" }));
    const bob = new KmsClient(
      server.url,
      await token({ email: "bob@example.com" }, { key: rs, kid: "rs-1", alg: "RS256" }),
    );
    const uid = await alice.createSymmetricKey();
    expect(await message(bob.getObject(uid))).toBe(
      `KMIP request failed (Get): Object_Not_Found: Object not found: ${uid}`,
    );
    await alice.grantAccess(uid, "bob@example.com", [KMIPOperations.get]);
    expect(await keyBytes(bob, uid)).toEqual(await keyBytes(alice, uid));
    const obtained = (await (await bob.listObtainedObjects()).json()) as { object_id: string; owner_id: string }[];
    expect(obtained).toContainEqual(expect.objectContaining({ object_id: uid, owner_id: "alice@example.com" }));
    await alice.revokeAccess(uid, "bob@example.com", [KMIPOperations.get]);
    expect(await message(bob.getObject(uid))).toMatch(/Object not found/);
    // API keys keep working next to JWTs; carol is another user
    const carol = new KmsClient(server.url, "carol-token-0123456789abcdef");
    expect(await message(carol.getObject(uid))).toMatch(/Object not found/);
  });

  test.each([
    [
      "expired",
      () => token({ email: "alice@example.com" }, { exp: Math.floor(Date.now() / 1000) - 60 }),
      /"exp" claim timestamp check failed/,
    ],
    [
      "for another audience",
      () => token({ email: "alice@example.com" }, { aud: "someone-else" }),
      /unexpected "aud" claim value/,
    ],
    [
      "from another issuer",
      () => token({ email: "alice@example.com" }, { iss: "https://evil.example" }),
      /unexpected "iss" claim value/,
    ],
    [
      "signed by a key not in the JWKS (same kid)",
      () => token({ email: "alice@example.com" }, { key: attacker }),
      /signature verification failed/,
    ],
    ["without an expiry", () => token({ email: "alice@example.com" }, { exp: null }), /missing required "exp" claim/],
    [
      "unsigned (alg none)",
      async () =>
        new UnsecuredJWT({ email: "alice@example.com" })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime("5m")
          .encode(),
      /invalid JWT/,
    ],
    [
      "HMAC-signed with a guessed secret",
      async () =>
        new SignJWT({ email: "alice@example.com" })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode("a-guessed-secret-of-32-bytes!!!!")),
      /invalid JWT/,
    ],
    ["with an unknown kid", () => token({ email: "alice@example.com" }, { kid: "nope" }), /invalid JWT/],
  ])("a token %s is refused with 401", async (_, make, why) => {
    const t = await make();
    const r = await me(t);
    expect(r.status).toBe(401);
    expect(r.text).toMatch(/^Authentication_Not_Successful: invalid JWT: /);
    expect(r.text).toMatch(why);
    const m = await message(new KmsClient(server.url, t).createSymmetricKey());
    expect(m).toMatch(/^KMIP request failed \(Create\): Authentication_Not_Successful: invalid JWT: /);
  });

  test("a garbled token that is neither an API key nor a JWT: 401 invalid credentials", async () => {
    expect(await me("definitely-not-a-token")).toEqual({
      status: 401,
      text: "Authentication_Not_Successful: invalid credentials",
    });
  });
});

/** Runs `fn` with the global fetch (used by KmsClient) given these TLS options. */
async function withTls<T>(options: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    original(input, { ...init, tls: options } as RequestInit)) as typeof fetch;
  try {
    return await fn();
  } finally {
    globalThis.fetch = original;
  }
}

/** Outcome of a raw TLS handshake with exactly this protocol version (and optional client certificate). */
function handshake(
  port: number,
  version: tls.SecureVersion,
  client: { cert?: string; key?: string; ciphers?: string } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect(
      {
        host: "127.0.0.1",
        port,
        ca: pem("ca.pem"),
        servername: "localhost",
        minVersion: version,
        maxVersion: version,
        ...client,
      },
      () => {
        resolve(`ok ${s.getProtocol()}`);
        s.end();
      },
    );
    s.on("error", (e) => resolve(`refused: ${e.message}`));
  });
}

describe("HTTPS with --tls-cert-file / --tls-key-file", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      tls: { certFile: path.join(CERTS, "server.pem"), keyFile: path.join(CERTS, "server.key") },
    });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  test("the client works over HTTPS when it trusts the CA; plain HTTP on that port does not", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await withTls({ ca: pem("ca.pem") }, async () => {
      const client = new KmsClient(server.url);
      expect(await client.up()).toBe(true);
      const uid = await client.createSymmetricKey();
      expect((await keyBytes(client, uid)).length).toBe(32);
    });
    // the server certificate is not trusted by default
    expect(await new KmsClient(server.url).up()).toBe(false);
    expect(await new KmsClient(server.url.replace("https:", "http:")).up()).toBe(false);
  });

  test("TLS 1.2 and 1.3 are accepted, a TLS 1.1 handshake is refused (protocol version alert)", async () => {
    expect(await handshake(server.port, "TLSv1.2")).toBe("ok TLSv1.2");
    expect(await handshake(server.port, "TLSv1.3")).toBe("ok TLSv1.3");
    expect(await handshake(server.port, "TLSv1.1")).toMatch(TLS11_REFUSED);
  });

  test("TLS 1.2 offers forward-secret AEAD suites only: a client offering only CBC suites is refused", async () => {
    expect(
      await handshake(server.port, "TLSv1.2", { ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256" }),
    ).toBe("ok TLSv1.2");
    expect(
      await handshake(server.port, "TLSv1.2", {
        ciphers: "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384",
      }),
    ).toMatch(/^refused: /);
  });
});

describe("TLS client certificates (--clients-ca-cert-file): user = subject CN", () => {
  let server: TestServer;
  const as = (who: string) => ({ ca: pem("ca.pem"), cert: pem(`${who}.pem`), key: pem(`${who}.key`) });
  beforeAll(async () => {
    server = await startTestServer({
      tls: {
        certFile: path.join(CERTS, "server.pem"),
        keyFile: path.join(CERTS, "server.key"),
        clientsCaFile: path.join(CERTS, "ca.pem"),
      },
      apiKeys: [{ user: "carol", token: "carol-token-0123456789abcdef" }],
    });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const me = async (who: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/me`, { headers, tls: as(who) } as RequestInit);
    return { status: res.status, text: await res.text() };
  };

  test("each certificate's CN is the caller; a header cannot override it", async () => {
    expect(await me("alice")).toEqual({ status: 200, text: '{"user":"alice@example.com"}' });
    expect(await me("bob")).toEqual({ status: 200, text: '{"user":"bob@example.com"}' });
    expect(
      await me("bob", { authorization: "Bearer carol-token-0123456789abcdef", "x-client-cn": "alice@example.com" }),
    ).toEqual({ status: 200, text: '{"user":"bob@example.com"}' });
  });

  test("owner and grantee through the client with client certificates", async () => {
    const uid = await withTls(as("alice"), () => new KmsClient(server.url).createSymmetricKey());
    const aliceKey = await withTls(as("alice"), () => keyBytes(new KmsClient(server.url), uid));
    expect(await withTls(as("bob"), () => message(new KmsClient(server.url).getObject(uid)))).toBe(
      `KMIP request failed (Get): Object_Not_Found: Object not found: ${uid}`,
    );
    await withTls(as("alice"), () =>
      new KmsClient(server.url).grantAccess(uid, "bob@example.com", [KMIPOperations.get]),
    );
    expect(await withTls(as("bob"), () => keyBytes(new KmsClient(server.url), uid))).toEqual(aliceKey);
    const owned = await withTls(
      as("alice"),
      async () => (await (await new KmsClient(server.url).listOwnedObjects()).json()) as { object_id: string }[],
    );
    expect(owned.map((o) => o.object_id)).toContain(uid);
  });

  test("no certificate, or one from an unknown CA, is refused at the handshake; TLS 1.1 too", async () => {
    expect(await handshake(server.port, "TLSv1.2")).toMatch(/^refused: /);
    expect(await handshake(server.port, "TLSv1.2", { cert: pem("rogue.pem"), key: pem("rogue.key") })).toMatch(
      /^refused: /,
    );
    expect(await handshake(server.port, "TLSv1.3", { cert: pem("alice.pem"), key: pem("alice.key") })).toBe(
      "ok TLSv1.3",
    );
    expect(await handshake(server.port, "TLSv1.1", { cert: pem("alice.pem"), key: pem("alice.key") })).toMatch(
      TLS11_REFUSED,
    );
    expect(await withTls({ ca: pem("ca.pem") }, () => new KmsClient(server.url).up())).toBe(false);
  });

  test("a wildcard CN is no identity: 401 unless another credential is given", async () => {
    expect(await me("wildcard")).toEqual({
      status: 401,
      text: "Authentication_Not_Successful: No authentication provided.",
    });
    expect(await me("wildcard", { authorization: "Bearer carol-token-0123456789abcdef" })).toEqual({
      status: 200,
      text: '{"user":"carol"}',
    });
  });
});
