/**
 * The client over HTTPS with a TLS client certificate (the server takes the certificate's CN as
 * the caller): trust from --ca-file or the TOML file, refusal of an untrusted server certificate,
 * --accept-invalid-certs.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ids, kms, tempDir } from "./helpers.ts";

const CERTS = path.resolve(import.meta.dirname, "../vectors/certs");
const cert = (name: string) => path.join(CERTS, name);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    tls: { certFile: cert("server.pem"), keyFile: cert("server.key"), clientsCaFile: cert("ca.pem") },
  });
});
afterAll(async () => {
  await server?.dispose();
});

test("client certificate + CA from flags or the TOML file; an untrusted server is refused; --accept-invalid-certs", async () => {
  const alice = [
    "--kms-url",
    server.url,
    "--ca-file",
    cert("ca.pem"),
    "--tls-client-cert",
    cert("alice.pem"),
    "--tls-client-key",
    cert("alice.key"),
  ];
  const created = await kms(["sym", "keys", "create", ...alice]);
  expect(created.code, created.stderr).toBe(0);
  const [key] = ids(created.stdout);
  const owned = await kms(["access-rights", "owned", "--json", ...alice]);
  expect(owned.code, owned.stderr).toBe(0);
  expect(JSON.parse(owned.stdout).map((o: { object_id: string }) => o.object_id)).toContain(key);
  // bob's certificate: a different user, who does not see alice's key
  const conf = path.join(tempDir(), "kms.toml");
  writeFileSync(
    conf,
    `[http_config]\nserver_url = "${server.url}"\nca_file = "${cert("ca.pem")}"\ntls_client_pem_cert_path = "${cert("bob.pem")}"\ntls_client_pem_key_path = "${cert("bob.key")}"\n`,
  );
  const bob = await kms(["get-attributes", "-i", key, "--conf", conf]);
  expect(bob.code).toBe(1);
  expect(bob.stderr).toMatch(/^error: (Item|Object)_Not_Found: /);
  // the test CA is not trusted by default
  const untrusted = await kms([
    "sym",
    "keys",
    "create",
    "--kms-url",
    server.url,
    "--tls-client-cert",
    cert("alice.pem"),
    "--tls-client-key",
    cert("alice.key"),
  ]);
  expect(untrusted.code).toBe(1);
  expect(untrusted.stderr).toMatch(/^error: cannot reach the KMS at https:\/\/.+\n$/);
  const accepted = await kms([
    "get-attributes",
    "-i",
    key,
    "--json",
    "--kms-url",
    server.url,
    "--accept-invalid-certs",
    "--tls-client-cert",
    cert("alice.pem"),
    "--tls-client-key",
    cert("alice.key"),
  ]);
  expect(accepted.code, accepted.stderr).toBe(0);
  expect(JSON.parse(accepted.stdout).unique_identifier).toBe(key);
  const half = await kms(["server-version", "--kms-url", server.url, "--tls-client-cert", cert("alice.pem")]);
  expect([half.code, half.stderr]).toEqual([
    2,
    "error: a TLS client certificate needs both --tls-client-cert and --tls-client-key\n",
  ]);
});
