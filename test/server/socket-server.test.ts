/**
 * The KMIP socket server: binary TTLV over mutual TLS. The user is the client certificate's CN;
 * several requests share a connection; a malformed frame closes only its own connection; rights and
 * the audit trail are those of HTTP. Uses the fixed test certificates of test/vectors/certs/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { find, startTestServer, t, valueOf, type Node, type TestServer } from "../helpers/server.ts";
import { readBinary, requestMessage } from "../helpers/binary.ts";
import { binaryMessageLength } from "../../src/kmip/ttlv-binary.ts";
import { ConfigError, loadConfig } from "../../src/server/config.ts";

const CERTS = path.join(import.meta.dirname, "../vectors/certs");
const pem = (f: string) => readFileSync(path.join(CERTS, f), "utf8");

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

/** A TLS connection to the socket server reading whole framed responses. */
async function connect(who: "alice" | "bob" | "wildcard" | "rogue" | null): Promise<{
  send(b: Uint8Array): Promise<Node>;
  receive(): Promise<Node>;
  closed: Promise<void>;
  socket: tls.TLSSocket;
}> {
  const socket = tls.connect({
    host: "127.0.0.1",
    port: server.socketPort!,
    ca: pem("ca.pem"),
    servername: "localhost",
    ...(who ? { cert: pem(`${who}.pem`), key: pem(`${who}.key`) } : {}),
  });
  await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
  let buffered = Buffer.alloc(0);
  const waiting: ((b: Uint8Array) => void)[] = [];
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => {});
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 8 && buffered.length >= binaryMessageLength(buffered.subarray(0, 8))) {
      const n = binaryMessageLength(buffered.subarray(0, 8));
      waiting.shift()?.(new Uint8Array(buffered.subarray(0, n)));
      buffered = buffered.subarray(n);
    }
  });
  const receive = () => new Promise<Node>((resolve) => waiting.push((bytes) => resolve(readBinary(bytes))));
  return {
    socket,
    closed,
    receive,
    send: (b) => {
      const answer = receive();
      socket.write(b);
      return answer;
    },
  };
}

const createAes = requestMessage(
  [2, 1],
  [
    "Create",
    [
      t.e("ObjectType", "SymmetricKey"),
      t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
    ],
  ],
);
const get = (uid: string) => requestMessage([2, 1], ["Get", [t.text("UniqueIdentifier", uid)]]);

describe("mutual TLS and identity", () => {
  test("several requests on one connection; the user is the certificate's CN", async () => {
    const alice = await connect("alice");
    const created = await alice.send(createAes);
    const uid = valueOf(created, "UniqueIdentifier") as string;
    expect(valueOf(created, "ResultStatus")).toBe("Success");
    const [a, b] = await Promise.all([alice.send(get(uid)), alice.send(get(uid))]); // pipelined
    expect(valueOf(a, "KeyMaterial")).toBe(valueOf(b, "KeyMaterial"));
    expect((valueOf(a, "KeyMaterial") as string).length).toBe(64);
    alice.socket.end();

    // bob, another CN of the same CA, is a stranger to alice's key; her key is unchanged
    const bob = await connect("bob");
    for (const request of [get(uid), requestMessage([2, 1], ["Destroy", [t.text("UniqueIdentifier", uid)]])]) {
      const r = await bob.send(request);
      expect(valueOf(r, "ResultStatus")).toBe("OperationFailed");
      expect(valueOf(r, "ResultReason")).toMatch(/Not_Found$/);
      expect(find(r, "ResponsePayload")).toBeUndefined();
    }
    const bobPort = bob.socket.localPort;
    bob.socket.end();
    const again = await connect("alice");
    expect(valueOf(await again.send(get(uid)), "KeyMaterial")).toBe(valueOf(a, "KeyMaterial"));
    again.socket.end();

    const lines = readFileSync(path.join(server.dataDir, "audit.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ user: "alice@example.com", operation: "Create", objectId: uid, result: "Success" }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        user: "bob@example.com",
        operation: "Destroy",
        objectId: uid,
        result: expect.stringMatching(/Not_Found$/),
        client: `127.0.0.1:${bobPort}`,
      }),
    );
  });

  test("no certificate, or one from another CA, is refused at the handshake", async () => {
    for (const who of [null, "rogue"] as const) {
      const outcome = await connect(who).then(
        async (c) => Promise.race([c.send(createAes).then(() => "answered"), c.closed.then(() => "closed")]),
        () => "refused",
      );
      expect([who, outcome]).not.toEqual([who, "answered"]);
    }
  });

  test("a wildcard CN is no identity: Authentication_Not_Successful", async () => {
    const c = await connect("wildcard");
    const r = await c.send(createAes);
    expect(valueOf(r, "ResultReason")).toBe("Authentication_Not_Successful");
    c.socket.end();
  });
});

describe("framing", () => {
  test("many requests written at once, split at odd places, are answered in order", async () => {
    const c = await connect("alice");
    const uid = valueOf(await c.send(createAes), "UniqueIdentifier") as string;
    const requests = Array.from({ length: 20 }, (_, i) =>
      i % 2 ? get(uid) : requestMessage([2, 1], ["Query", [t.e("QueryFunction", "QueryServerInformation")]]),
    );
    const all = Buffer.concat(requests);
    const pending = requests.map(() => c.receive());
    for (let at = 0; at < all.length; at += 1021) c.socket.write(all.subarray(at, at + 1021)); // pieces that split headers
    const replies = await Promise.all(pending);
    expect(
      replies.map((r) => (find(r, "KeyMaterial") ? "Get" : valueOf(r, "VendorIdentification") ? "Query" : "?")),
    ).toEqual(requests.map((_, i) => (i % 2 ? "Get" : "Query")));
    c.socket.end();
  });

  test("a malformed frame is answered and closes only its own connection", async () => {
    const good = await connect("alice");
    const bad = await connect("alice");
    const r = await bad.send(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
    expect(valueOf(r, "ResultReason")).toBe("Invalid_Message");
    expect(valueOf(r, "ResultMessage")).toMatch(/byte 0: .*not a KMIP tag/);
    await bad.closed;
    expect(valueOf(await good.send(createAes), "ResultStatus")).toBe("Success");
    good.socket.end();
  });

  test("a well-framed but invalid message is answered and the connection stays usable", async () => {
    const c = await connect("alice");
    const broken = new Uint8Array(createAes);
    broken[8 + 3] = 0x0c; // the header's type byte
    const r = await c.send(broken);
    expect(valueOf(r, "ResultReason")).toBe("Invalid_Message");
    expect(valueOf(r, "ResultMessage")).toMatch(/byte 11: unknown item type 0x0C/);
    expect(valueOf(await c.send(createAes), "ResultStatus")).toBe("Success");
    c.socket.end();
  });

  test("a frame above the size limit is refused before it is read", async () => {
    const c = await connect("alice");
    const huge = new Uint8Array([0x42, 0x00, 0x78, 0x01, 0x7f, 0xff, 0xff, 0xf8]);
    const r = await c.send(huge);
    expect(valueOf(r, "ResultMessage")).toMatch(/more than the limit/);
    await c.closed;
  });
});

describe("options", () => {
  const tlsFlags = ["--tls-cert-file", "s.pem", "--tls-key-file", "s.key", "--clients-ca-cert-file", "ca.pem"];
  test("Cosmian's flags, environment and defaults", () => {
    const run = (argv: string[], env: Record<string, string> = {}) => {
      const r = loadConfig(argv, env);
      if (r.kind !== "run") throw new Error("not run");
      return r.config.socketServer;
    };
    expect(run([])).toEqual({ start: false, port: 5696, hostname: "0.0.0.0" });
    expect(
      run([
        ...tlsFlags,
        "--socket-server-start",
        "true",
        "--socket-server-port",
        "15696",
        "--socket-server-hostname",
        "127.0.0.1",
      ]),
    ).toEqual({ start: true, port: 15696, hostname: "127.0.0.1" });
    expect(run(tlsFlags, { KMS_SOCKET_SERVER_START: "true", KMS_SOCKET_SERVER_PORT: "5697" })).toEqual({
      start: true,
      port: 5697,
      hostname: "0.0.0.0",
    });
    const dir = mkdtempSync(path.join(tmpdir(), "kms-toml-"));
    const toml = path.join(dir, "kms.toml");
    writeFileSync(
      toml,
      '[tls]\ncert_file = "s.pem"\nkey_file = "s.key"\nclients_ca_cert_file = "ca.pem"\n[socket_server]\nsocket_server_start = true\nsocket_server_port = 5698\nsocket_server_hostname = "::"\n',
    );
    expect(run(["-c", toml])).toEqual({ start: true, port: 5698, hostname: "::" });
    rmSync(dir, { recursive: true });
    expect(() => run(["--socket-server-start", "true"])).toThrow(ConfigError);
    expect(() => run([...tlsFlags, "--socket-server-start", "maybe"])).toThrow(/true or false/);
  });
});
