/**
 * Interop with a real standard KMIP client: PyKMIP 0.10 (Debian's python3-pykmip), its
 * ProxyKmipClient and KMIPProxy over binary TTLV and mutual TLS against our socket server, in KMIP
 * 1.2, 1.4 and 2.0. The client script (pykmip/run.py) runs every step and prints one JSON line
 * per step; each step must succeed. Needs /usr/bin/python3 with PyKMIP: with CI=true a missing
 * client is a failure, otherwise the file prints one skip line.
 */
import { execFile, spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { tagNameOf } from "../../src/kmip/tags.ts";
import { enumName, enumValue } from "../../src/kmip/enums.ts";

/** PYKMIP_PYTHON overrides the interpreter (e.g. to check the skip and CI paths). */
const PYTHON = process.env.PYKMIP_PYTHON ?? "/usr/bin/python3";
const SCRIPT = path.join(import.meta.dirname, "pykmip/run.py");
const CERTS = path.join(import.meta.dirname, "../vectors/certs");
const probe = spawnSync(PYTHON, ["-c", "import kmip, kmip.pie.client; print(kmip.__version__)"], { encoding: "utf8" });
const available = probe.status === 0;
const MISSING = `PyKMIP not found (${PYTHON} -c "import kmip" failed; install it with: apt-get install -y python3-pykmip)`;

if (!available && process.env.CI !== "true") console.log(`SKIP test/interop/pykmip.test.ts: ${MISSING}`);

type Step = { step: string; ok: boolean; detail: unknown };

/** Runs the client script (asynchronously: the server answers from this same process). */
async function runClient(port: number, version: string): Promise<Step[]> {
  const args = [
    SCRIPT,
    "127.0.0.1",
    String(port),
    path.join(CERTS, "alice.pem"),
    path.join(CERTS, "alice.key"),
    path.join(CERTS, "ca.pem"),
    version,
  ];
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
    (resolve) => {
      execFile(PYTHON, args, { encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
      );
    },
  );
  const steps = stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Step);
  if (steps.length === 0) throw new Error(`the PyKMIP script printed nothing (status ${code}): ${stderr.slice(-2000)}`);
  return steps;
}

const EVERY_STEP = [
  "discover_versions",
  "query",
  "create",
  "get_attributes",
  "get_attribute_list",
  "locate_by_name",
  "locate_by_attributes",
  "activate",
  "encrypt_decrypt_cbc",
  "get",
  "create_key_pair",
  "sign_verify",
  "get_public_key",
  "register_secret_data",
  "register_hmac_key_and_mac",
  "rekey",
  "revoke_destroy",
];

describe.runIf(available)("PyKMIP's tables", () => {
  test("every PyKMIP tag code is known, and its enumerations have our values", () => {
    const r = spawnSync(PYTHON, [path.join(import.meta.dirname, "pykmip/tables.py")], { encoding: "utf8" });
    const tables = JSON.parse(r.stdout) as {
      tags: Record<string, number>;
      enums: Record<string, Record<string, number>>;
    };
    const unknownTags = Object.entries(tables.tags).filter(
      ([name, code]) => name !== "DEFAULT" && tagNameOf(code) === undefined,
    ); // DEFAULT = 0x420000, no tag
    expect(unknownTags).toEqual([]);
    const mismatches: string[] = [];
    for (const [type, members] of Object.entries(tables.enums)) {
      for (const [name, value] of Object.entries(members)) {
        const ours = enumValue(type, name);
        if (ours !== undefined && ours !== value)
          mismatches.push(`${type}.${name}: ours 0x${ours.toString(16)}, PyKMIP 0x${value.toString(16)}`);
        if (enumName(type, value) === undefined)
          mismatches.push(`${type} 0x${value.toString(16)} (${name}) unknown to us`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe.runIf(available)("PyKMIP against the KMIP socket server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      tls: {
        certFile: path.join(CERTS, "server.pem"),
        keyFile: path.join(CERTS, "server.key"),
        clientsCaFile: path.join(CERTS, "ca.pem"),
      },
      socketServer: { start: true, port: 0, hostname: "127.0.0.1" },
    });
  });
  afterAll(async () => server?.dispose());

  test.each(["1.2", "1.4", "2.0"])(
    "KMIP %s: every step of the client succeeds",
    async (version) => {
      const steps = await runClient(server.socketPort!, version);
      const byName = Object.fromEntries(steps.map((s) => [s.step, s]));
      expect(steps.filter((s) => !s.ok)).toEqual([]);
      expect(steps.map((s) => s.step)).toEqual(
        version === "2.0" ? [...EVERY_STEP.slice(0, -2), "set_delete_attribute", ...EVERY_STEP.slice(-2)] : EVERY_STEP,
      );
      expect(byName.discover_versions!.detail).toEqual(["2.1", "2.0", "1.4", "1.3", "1.2", "1.1", "1.0"]);
      const query = byName.query!.detail as { operations: string[]; objects: string[]; vendor: string };
      expect(query.operations).toEqual(
        expect.arrayContaining([
          "CREATE",
          "CREATE_KEY_PAIR",
          "REGISTER",
          "GET",
          "LOCATE",
          "ENCRYPT",
          "SIGN",
          "MAC",
          "DISCOVER_VERSIONS",
          "QUERY",
        ]),
      );
      expect(query.objects).toEqual(
        expect.arrayContaining(["SYMMETRIC_KEY", "PUBLIC_KEY", "PRIVATE_KEY", "SECRET_DATA"]),
      );
      expect(query.vendor).toBe("cosmian");
      expect(byName.get_attributes!.detail).toEqual({
        "Cryptographic Algorithm": "CryptographicAlgorithm.AES",
        "Cryptographic Length": "256",
        State: "State.PRE_ACTIVE",
        Name: `pykmip-aes-${version}`,
        "Object Type": "ObjectType.SYMMETRIC_KEY",
      });
      expect(byName.get_attribute_list!.detail).toEqual(
        expect.arrayContaining([
          "Cryptographic Algorithm",
          "Cryptographic Length",
          "Initial Date",
          "Name",
          "Object Type",
          "State",
          "Unique Identifier",
        ]),
      );
      expect(byName.activate!.detail).toBe("ACTIVE");
      expect(byName.get!.detail).toEqual({ algorithm: "AES", length: 256 });
      expect(byName.sign_verify!.detail).toEqual(["VALID", "INVALID"]);
      expect(byName.get_public_key!.detail).toEqual({ format: "PKCS_1", bytes: 270 });
    },
    180_000,
  );
});

test.runIf(!available && process.env.CI === "true")("PyKMIP is installed (required when CI=true)", () => {
  throw new Error(MISSING);
});
