/**
 * The conformance runner itself: synthetic scenarios (written to a temp folder) against a real
 * server, so that a wrong expectation, a missing error assertion or an unexpected success is
 * reported FAIL, and captures, identities and the access routes work as Cosmian's runner does.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { findAll, runScenario, userOfCertificate, type Json, type Target } from "./runner.ts";

let server: TestServer;
let root: string;
let target: Target;

const create = {
  tag: "Create",
  value: [
    { tag: "ObjectType", type: "Enumeration", value: "SymmetricKey" },
    {
      tag: "Attributes",
      value: [
        { tag: "CryptographicAlgorithm", type: "Enumeration", value: "AES" },
        { tag: "CryptographicLength", type: "Integer", value: 256 },
        { tag: "CryptographicUsageMask", type: "Integer", value: 12 },
        { tag: "ActivationDate", type: "DateTime", value: "2024-01-01T00:00:00Z" },
      ],
    },
  ],
};
const getAttrs = {
  tag: "GetAttributes",
  value: [{ tag: "UniqueIdentifier", type: "TextString", value: "{{key_id}}" }],
};
const get = { tag: "Get", value: [{ tag: "UniqueIdentifier", type: "TextString", value: "{{key_id}}" }] };

function scenario(name: string, manifest: string, files: Record<string, unknown>): string {
  const dir = path.join(root, "t", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "manifest.toml"), `name = "${name}"\n${manifest}`);
  for (const [f, body] of Object.entries(files))
    writeFileSync(path.join(dir, f), typeof body === "string" ? body : JSON.stringify(body));
  return `t/${name}`;
}

const ids = `
[identities.owner]
client_cert = "x/owner.client.acme.com.crt"
client_key = "x/owner.client.acme.com.key"
[identities.user]
client_cert = "x/user.client.acme.com.crt"
client_key = "x/user.client.acme.com.key"
`;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "conformance-runner-"));
  const tokens = { "owner.client@acme.com": "owner-token-0123456789", "user.client@acme.com": "user-token-0123456789" };
  server = await startTestServer({ apiKeys: Object.entries(tokens).map(([user, token]) => ({ user, token })) });
  target = { url: server.url, tokens };
});
afterAll(async () => {
  await server.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe("conformance runner", () => {
  test("the certificate file name gives Cosmian's subject CN", () => {
    expect(userOfCertificate("test_data/certificates/client_server/user/user.client.acme.com.crt")).toBe(
      "user.client@acme.com",
    );
  });

  test("findAll collects leaves only, as strings", () => {
    const tree: Json = {
      tag: "R",
      value: [
        { tag: "A", type: "Integer", value: 3 },
        { tag: "A", value: [{ tag: "A", type: "Boolean", value: true }] },
      ],
    };
    expect(findAll(tree, "A")).toEqual(["3", "true"]);
  });

  test("captures, assert_fields, assert_count and assert_none_field pass on a true answer", async () => {
    const rel = scenario(
      "ok",
      `
[[steps]]
operation = "Create"
request = "c.json"
[steps.capture]
key_id = "UniqueIdentifier"
[[steps]]
operation = "GetAttributes"
request = "ga.json"
[steps.assert_fields]
UniqueIdentifier = "{{key_id}}"
State = "Active"
CryptographicLength = "256"
[steps.assert_count]
ObjectType = 1
[steps.assert_none_field]
State = "Destroyed"
`,
      { "c.json": create, "ga.json": getAttrs },
    );
    expect(await runScenario(root, rel, target)).toMatchObject({ status: "PASS" });
  });

  test("a wrong expected value, a wrong count, an unexpected success and a missing error assertion FAIL", async () => {
    const base = `
[[steps]]
operation = "Create"
request = "c.json"
[steps.capture]
key_id = "UniqueIdentifier"
`;
    const cases: [string, string][] = [
      [
        "wrong-field",
        `[[steps]]\noperation = "GetAttributes"\nrequest = "ga.json"\n[steps.assert_fields]\nState = "PreActive"\n`,
      ],
      ["wrong-count", `[[steps]]\noperation = "GetAttributes"\nrequest = "ga.json"\n[steps.assert_count]\nState = 2\n`],
      [
        "unexpected-success",
        `[[steps]]\noperation = "Get"\nrequest = "g.json"\nassert_success = false\nassert_error_reason = "Object_Not_Found"\n`,
      ],
      ["no-error-assertion", `[[steps]]\noperation = "Get"\nrequest = "bad.json"\nassert_success = false\n`],
      [
        "wrong-reason",
        `[[steps]]\noperation = "Get"\nrequest = "bad.json"\nassert_success = false\nassert_error_reason = "Item_Not_Found"\n`,
      ],
    ];
    const bad = { tag: "Get", value: [{ tag: "UniqueIdentifier", type: "TextString", value: "no-such-key" }] };
    for (const [name, steps] of cases) {
      const rel = scenario(name, base + steps, {
        "c.json": create,
        "ga.json": getAttrs,
        "g.json": get,
        "bad.json": bad,
      });
      const r = await runScenario(root, rel, target);
      expect(r.status, `${name}: ${r.reason}`).toBe("FAIL");
    }
    const rel = scenario(
      "right-reason",
      base +
        `[[steps]]\noperation = "Get"\nrequest = "bad.json"\nassert_success = false\nassert_error_reason = "Object_Not_Found"\nassert_error_contains = "no-such-key"\n`,
      { "c.json": create, "bad.json": bad },
    );
    expect(await runScenario(root, rel, target)).toMatchObject({ status: "PASS" });
  });

  test("identities and the /access routes", async () => {
    const rel = scenario(
      "access",
      ids +
        `
[[steps]]
operation = "Create"
request = "c.json"
[steps.capture]
key_id = "UniqueIdentifier"
[[steps]]
operation = "Get"
request = "g.json"
identity = "user"
assert_success = false
assert_error_reason = "Object_Not_Found"
[[steps]]
operation = "GrantAccess"
request = "grant.json"
[[steps]]
operation = "Get"
request = "g.json"
identity = "user"
[[steps]]
operation = "GrantAccess"
request = "grant.json"
identity = "user"
assert_success = false
assert_error_contains = "is not owned by owner"
`,
      {
        "c.json": create,
        "g.json": get,
        "grant.json": { user_id: "user.client@acme.com", unique_identifier: "{{key_id}}", operation_types: ["get"] },
      },
    );
    const r = await runScenario(root, rel, target);
    expect(r.status, r.reason).toBe("PASS");
  });

  test("an unreachable (crashed) server or an HTTP 500 fails a step, even one that expects a failure", async () => {
    const expectFailure = `[[steps]]\noperation = "Get"\nrequest = "g.json"\nassert_success = false\nassert_error_contains = ""\n`;
    const allowFailure = `[[steps]]\noperation = "Get"\nrequest = "g.json"\nallow_failure = true\n`;
    const grant = `[[steps]]\noperation = "GrantAccess"\nrequest = "grant.json"\nassert_success = false\nassert_error_contains = ""\n`;
    const files = {
      "g.json": { tag: "Get", value: [{ tag: "UniqueIdentifier", type: "TextString", value: "k" }] },
      "grant.json": { user_id: "u", unique_identifier: "k", operation_types: ["get"] },
    };
    // a port where nothing listens: bind one, note it, close it
    const closed = await new Promise<number>((res) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => res(port));
      });
    });
    // a server that answers 500 with a text body, as a crashing handler would
    const broken: Server = createServer((_req, res) =>
      res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error"),
    );
    await new Promise<void>((res) => broken.listen(0, "127.0.0.1", res));
    try {
      const targets: [string, Target][] = [
        ["unreachable", { url: `http://127.0.0.1:${closed}` }],
        ["HTTP 500", { url: `http://127.0.0.1:${(broken.address() as AddressInfo).port}` }],
      ];
      for (const [what, target] of targets) {
        for (const [name, steps] of [
          ["expect-failure", expectFailure],
          ["allow-failure", allowFailure],
          ["grant", grant],
        ]) {
          const r = await runScenario(root, scenario(`${name}-${what.replace(/\W/g, "")}`, steps, files), target);
          expect(r, `${what} / ${name}`).toMatchObject({
            status: "FAIL",
            reason: expect.stringMatching(what === "HTTP 500" ? /server error HTTP 500/ : /server unreachable/),
          });
        }
      }
    } finally {
      await new Promise((res) => broken.close(res));
    }
  });

  test("binary TTLV scenarios are skipped with their reason", async () => {
    const rel = scenario("binary", `wire_format = "binary"\n[[steps]]\noperation = "Create"\nrequest = "c.json"\n`, {
      "c.json": create,
    });
    expect(await runScenario(root, rel, target)).toMatchObject({
      status: "SKIP",
      reason: expect.stringMatching(/binary TTLV/),
    });
  });
});
