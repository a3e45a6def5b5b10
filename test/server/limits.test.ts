/**
 * Limits that keep one request from an ordinary user from holding the server (see docs/limits.md):
 * batch size, answer size, RNGRetrieve length, attributes and tags per object, Locate's tags, the
 * heavy-work queue, work abandoned by a client that disconnects, and names such as `constructor` or
 * `__proto__` where the server looks client input up in a table.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postKmip, startTestServer, t, valueOf, findAll, hex, type Node, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let small: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  small = await startTestServer({ maxResponseBytes: 4 << 20, maxBatchItems: 50, workerThreads: 1, workerQueue: 0 });
});
afterAll(async () => {
  await server?.dispose();
  await small?.dispose();
});

const kmip = (body: unknown, s = server) => postKmip(s.url, body);
const message = (items: Node[], extra: Node[] = []) =>
  t.s(
    "RequestMessage",
    t.s(
      "RequestHeader",
      t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
      t.int("BatchCount", items.length),
      ...extra,
    ),
    ...items,
  );
const item = (op: string, ...payload: Node[]) =>
  t.s("BatchItem", t.e("Operation", op), t.s("RequestPayload", ...payload));
const results = (r: { json?: Node }) =>
  findAll(r.json, "BatchItem").map((b) => ({
    status: valueOf(b, "ResultStatus"),
    reason: valueOf(b, "ResultReason"),
    message: valueOf(b, "ResultMessage") as string | undefined,
  }));
const vendor = (name: string, valueHex: string) =>
  t.s(
    "VendorAttributes",
    t.s(
      "VendorAttributes",
      t.text("VendorIdentification", "cosmian"),
      t.text("AttributeName", name),
      t.b("AttributeValue", valueHex),
    ),
  );
const tags = (list: string[]) => vendor("tag", hex(JSON.stringify(list)));
const createAes = (...attrs: Node[]) =>
  t.s(
    "Create",
    t.e("ObjectType", "SymmetricKey"),
    t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256), ...attrs),
  );
const count = async (s = server) => {
  const r = await kmip(t.s("Locate", t.int("MaximumItems", 1000), t.s("Attributes")), s);
  return valueOf(r.json, "LocatedItems") as number;
};
const kp = (alg: string, len?: number) =>
  t.s(
    "CreateKeyPair",
    t.s("CommonAttributes", t.e("CryptographicAlgorithm", alg), ...(len ? [t.int("CryptographicLength", len)] : [])),
  );

describe("batches", () => {
  test("more items than --max-batch-items: one Server_Limit_Exceeded result, nothing run", async () => {
    const before = await count(small);
    const r = await kmip(
      message(
        Array.from({ length: 51 }, () =>
          item(
            "Create",
            t.e("ObjectType", "SymmetricKey"),
            t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 128)),
          ),
        ),
      ),
      small,
    );
    expect(r.status).toBe(200);
    expect(results(r)).toEqual([
      {
        status: "OperationFailed",
        reason: "Server_Limit_Exceeded",
        message: "/RequestMessage: more than 50 batch items; this server takes at most 50 per message",
      },
    ]);
    expect(await count(small)).toBe(before);
  });

  test("100,000 items with the default limit: refused at once, the server keeps answering", async () => {
    const r = await kmip(message(Array.from({ length: 100_000 }, () => item("Query"))));
    expect(results(r)).toEqual([
      {
        status: "OperationFailed",
        reason: "Server_Limit_Exceeded",
        message: "/RequestMessage: more than 1000 batch items; this server takes at most 1000 per message",
      },
    ]);
    expect((await kmip(t.s("Query", t.e("QueryFunction", "QueryOperations")))).status).toBe(200);
  });

  test("1,000 items (the default limit) all run", async () => {
    const r = await kmip(message(Array.from({ length: 1000 }, () => item("RNGRetrieve", t.int("DataLength", 8)))));
    const all = results(r);
    expect(all).toHaveLength(1000);
    expect(all.every((x) => x.status === "Success")).toBe(true);
  });

  test("200 RNGRetrieve of 1 MiB: the answer stops at --max-response-size with Response_Too_Large, later items are not run", async () => {
    const r = await kmip(message(Array.from({ length: 200 }, () => item("RNGRetrieve", t.int("DataLength", 1 << 20)))));
    expect(r.status).toBe(200);
    expect(r.text.length).toBeLessThan(70 << 20);
    const all = results(r);
    expect(all).toHaveLength(200);
    const ok = all.findIndex((x) => x.status !== "Success");
    expect(ok).toBe(31); // 31 MiB of random bytes is 62 MiB of hex: the 32nd would pass 64 MiB
    expect(all[ok]).toEqual({
      status: "OperationFailed",
      reason: "Response_Too_Large",
      message: `RNGRetrieve: the answer would exceed this server's limit of ${64 << 20} bytes`,
    });
    expect(
      all.slice(ok + 1).every((x) => x.reason === "Response_Too_Large" && x.message?.startsWith("not processed")),
    ).toBe(true);
  });

  test("the same with --max-response-size 4 MiB", async () => {
    const r = await kmip(
      message(Array.from({ length: 40 }, () => item("RNGRetrieve", t.int("DataLength", 1 << 20)))),
      small,
    );
    expect(r.status).toBe(200);
    expect(r.text.length).toBeLessThan(6 << 20);
    const all = results(r);
    expect(all).toHaveLength(40);
    expect(all[0].status).toBe("Success");
    expect(all[1]).toEqual({
      status: "OperationFailed",
      reason: "Response_Too_Large",
      message: `RNGRetrieve: the answer would exceed this server's limit of ${4 << 20} bytes`,
    });
    expect(
      all
        .slice(2)
        .every(
          (x) =>
            x.reason === "Response_Too_Large" &&
            x.message === `not processed: the answer reached this server's limit of ${4 << 20} bytes`,
        ),
    ).toBe(true);
  });

  test("a bare operation whose answer is too large: Response_Too_Large", async () => {
    const r = await postKmip(small.url, t.s("RNGRetrieve", t.int("DataLength", 1 << 20)));
    expect(r.status).toBe(200); // 2 MiB of hex is within 4 MiB
    const big = await startTestServer({ maxResponseBytes: 1 << 20 });
    try {
      const r2 = await postKmip(big.url, t.s("RNGRetrieve", t.int("DataLength", 1 << 20)));
      expect(r2.status).toBe(422);
      expect(r2.text).toMatch(
        /^Response_Too_Large: RNGRetrieve: the answer would be about \d+ bytes; this server sends at most 1048576$/,
      );
    } finally {
      await big.dispose();
    }
  });

  test("RNGRetrieve DataLength is capped", async () => {
    const r = await kmip(t.s("RNGRetrieve", t.int("DataLength", (1 << 20) + 1)));
    expect(r.status).toBe(422);
    expect(r.text).toBe("Invalid_Field: RNGRetrieve: DataLength must be between 1 and 1048576");
  });
});

describe("attributes and tags", () => {
  test("Locate with 1,000 tags: a clear Server_Limit_Exceeded; with 256 tags it works", async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    const r = await kmip(t.s("Locate", t.s("Attributes", tags(many))));
    expect(r.status).toBe(422);
    expect(r.text).toBe("Server_Limit_Exceeded: too many tags: 1000 (at most 256)");
    const ok256 = many.slice(0, 256);
    const created = await kmip(createAes(tags(ok256)));
    expect(created.status).toBe(200);
    const found = await kmip(t.s("Locate", t.s("Attributes", tags(ok256))));
    expect(found.status).toBe(200);
    expect(
      findAll(found.json, "UniqueIdentifier")
        .map((n) => n.value)
        .filter((v) => typeof v === "string"),
    ).toEqual([valueOf(created.json, "UniqueIdentifier")]);
  });

  test("too many Names, too long a Name, tag or vendor attribute: refused, nothing stored", async () => {
    const before = await count();
    const names = Array.from({ length: 257 }, (_, i) =>
      t.s("Name", t.text("NameValue", `n${i}`), t.e("NameType", "UninterpretedTextString")),
    );
    const cases: [Node, string][] = [
      [createAes(...names), "Server_Limit_Exceeded: too many Name values: 257 (at most 256)"],
      [
        createAes(t.s("Name", t.text("NameValue", "x".repeat(4097)), t.e("NameType", "UninterpretedTextString"))),
        "Server_Limit_Exceeded: a Name is too long: 4097 characters (at most 4096)",
      ],
      [createAes(tags(["y".repeat(1025)])), "Server_Limit_Exceeded: a tag is too long: 1025 characters (at most 1024)"],
      [
        createAes(vendor("big", "00".repeat((1 << 20) + 1))),
        `Server_Limit_Exceeded: the vendor attribute big is too large: ${(1 << 20) + 1} (at most ${1 << 20})`,
      ],
    ];
    for (const [body, error] of cases) {
      const r = await kmip(body);
      expect({ status: r.status, text: r.text }).toEqual({ status: 422, text: `${error}` });
    }
    expect(await count()).toBe(before);
  });

  test("AddAttribute cannot grow an object past the limits; the object is unchanged", async () => {
    const created = await kmip(
      createAes(t.s("Name", t.text("NameValue", "first"), t.e("NameType", "UninterpretedTextString"))),
    );
    const uid = valueOf(created.json, "UniqueIdentifier") as string;
    const add = (n: number) =>
      kmip(
        t.s(
          "AddAttribute",
          t.text("UniqueIdentifier", uid),
          t.s("NewAttribute", t.s("Name", t.text("NameValue", `n${n}`), t.e("NameType", "UninterpretedTextString"))),
        ),
      );
    for (let i = 1; i < 256; i++) expect((await add(i)).status).toBe(200);
    const before = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    const r = await add(256);
    expect({ status: r.status, text: r.text }).toEqual({
      status: 422,
      text: "Server_Limit_Exceeded: too many Name values: 257 (at most 256)",
    });
    const after = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    expect(findAll(after.json, "NameValue")).toHaveLength(256);
    expect(after.text).toBe(before.text);
  }, 60_000);
});

describe("names of Object.prototype members", () => {
  const NAMES = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];
  test.each(NAMES)(
    "%s as an operation, tag, enumeration, attribute or right: a clear KMIP error, nothing changed",
    async (name) => {
      const created = await kmip(createAes());
      const uid = valueOf(created.json, "UniqueIdentifier") as string;
      const before = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
      const bodies: unknown[] = [
        { tag: name, type: "Structure", value: [] },
        t.s("Create", t.e("ObjectType", name), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
        t.s(
          "Create",
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes", t.e("CryptographicAlgorithm", name), t.int("CryptographicLength", 256)),
        ),
        t.s(
          "Create",
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256), {
            tag: name,
            type: "Integer",
            value: 1,
          }),
        ),
        t.s("GetAttributes", t.text("UniqueIdentifier", uid), t.e("AttributeReference", name)),
        t.s("Get", t.text("UniqueIdentifier", uid), t.e("KeyFormatType", name)),
        t.s(
          "SetAttribute",
          t.text("UniqueIdentifier", uid),
          t.s("NewAttribute", { tag: name, type: "TextString", value: "x" }),
        ),
        t.s(
          "SetAttribute",
          t.text("UniqueIdentifier", uid),
          t.s("NewAttribute", t.text("AttributeName", name), t.text("AttributeValue", "x")),
        ),
        t.s(
          "CreateKeyPair",
          t.s("CommonAttributes", t.e("CryptographicAlgorithm", name), t.int("CryptographicLength", 2048)),
        ),
        t.s("Hash", t.s("CryptographicParameters", t.e("HashingAlgorithm", name)), t.b("Data", "00")),
        t.s(
          "Encrypt",
          t.text("UniqueIdentifier", uid),
          t.s("CryptographicParameters", t.e("BlockCipherMode", name)),
          t.b("Data", "00"),
        ),
        t.s("Query", t.e("QueryFunction", name)),
      ];
      for (const body of bodies) {
        const r = await kmip(body);
        expect(r.status, `${JSON.stringify(body).slice(0, 120)} -> ${r.text}`).toBeGreaterThanOrEqual(400);
        expect(r.status, r.text).toBeLessThan(500);
        expect(r.text).toMatch(/^[A-Z][A-Za-z_]+: ./);
      }
      const batch = await kmip(message([item(name), item("Query", t.e("QueryFunction", "QueryOperations"))]));
      expect(results(batch)).toEqual([
        {
          status: "OperationFailed",
          reason: "Invalid_Field",
          message: `/RequestMessage/BatchItem/Operation: unknown Operation value "${name}" (not a OperationEnumeration name)`,
        },
      ]);
      const grant = await fetch(server.url + "/access/grant", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ unique_identifier: uid, user_id: "mallory", operation_types: [name] }),
      });
      expect(grant.status).toBeGreaterThanOrEqual(400);
      expect(grant.status).toBeLessThan(500);
      const after = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
      expect(after.text).toBe(before.text);
    },
  );
});

describe("heavy work", () => {
  test("a full worker queue answers 503 Server_Limit_Exceeded with Retry-After; the client that goes away frees its worker", async () => {
    const abort = new AbortController();
    // SLH-DSA-SHAKE-256s key generation: seconds of work on the only worker thread
    const slow = fetch(small.url + "/kmip/2_1", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(kp("SLHDSA_SHAKE_256s")),
      signal: abort.signal,
    }).catch((e: Error) => e.name);
    let busy: Response | undefined;
    for (let i = 0; i < 50; i++) {
      await Bun.sleep(20);
      busy = await fetch(small.url + "/kmip/2_1", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(kp("RSA", 2048)),
      });
      if (busy.status === 503) break;
      await busy.text();
    }
    expect(busy!.status).toBe(503);
    expect(busy!.headers.get("retry-after")).toBe("1");
    expect(await busy!.text()).toBe(
      "Server_Limit_Exceeded: the server is busy: 1 heavy operations are running and 0 are waiting; retry later",
    );
    abort.abort();
    expect(await slow).toBe("AbortError");
    // the abandoned key generation no longer holds the worker: an RSA pair is generated at once
    let after = await kmip(kp("RSA", 2048), small);
    for (let i = 0; i < 20 && after.status === 503; i++)
      await Bun.sleep(50), (after = await kmip(kp("RSA", 2048), small));
    expect(after.status, after.text).toBe(200);
  }, 60_000);
});
