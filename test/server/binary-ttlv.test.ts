/**
 * Binary TTLV over HTTP: POST /kmip and /kmip/2_1 with application/octet-stream take a binary
 * RequestMessage and answer a binary ResponseMessage in the request's protocol version, through the
 * same dispatch, rights and audit trail as JSON. KMIP 1.x requests use TemplateAttribute/Attribute.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { find, findAll, postKmip, t, useTestServer, valueOf, type Node, type TestServer } from "../helpers/server.ts";
import { attr1, batchItems, postBinary, requestMessage } from "../helpers/binary.ts";

const TOKENS = { owner: "binary-owner-token-0123456789", stranger: "binary-stranger-token-012345" };
let server: TestServer;
useTestServer((s) => (server = s), { apiKeys: Object.entries(TOKENS).map(([user, token]) => ({ user, token })) });
const as = (user: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[user]}` });

const version = (node: Node | undefined) => [
  valueOf(find(node, "ResponseHeader"), "ProtocolVersionMajor"),
  valueOf(find(node, "ResponseHeader"), "ProtocolVersionMinor"),
];
const createAes21 = (): [string, Node[]] => [
  "Create",
  [
    t.e("ObjectType", "SymmetricKey"),
    t.s(
      "Attributes",
      t.e("CryptographicAlgorithm", "AES"),
      t.int("CryptographicLength", 256),
      t.int("CryptographicUsageMask", 12),
    ),
  ],
];

describe("KMIP 2.1 binary over HTTP", () => {
  test("Create then Get in one connection each; the answer is binary, version 2.1", async () => {
    const created = await postBinary(server.url, requestMessage([2, 1], createAes21()), as("owner"));
    expect(created.status).toBe(200);
    expect(created.contentType).toBe("application/octet-stream");
    expect(version(created.node)).toEqual([2, 1]);
    expect(valueOf(created.node, "ResultStatus")).toBe("Success");
    const uid = valueOf(created.node, "UniqueIdentifier") as string;
    const got = await postBinary(
      server.url,
      requestMessage([2, 1], ["Get", [t.text("UniqueIdentifier", uid)]]),
      as("owner"),
      "/kmip/2_1",
    );
    expect(valueOf(got.node, "ResultStatus")).toBe("Success");
    expect((valueOf(got.node, "KeyMaterial") as string).length).toBe(64);
    expect(valueOf(got.node, "CryptographicAlgorithm")).toBe("AES");
  });

  test("a batch of two items gets two results in order", async () => {
    const r = await postBinary(
      server.url,
      requestMessage([2, 1], ["DiscoverVersions", []], ["Query", [t.e("QueryFunction", "QueryOperations")]]),
      as("owner"),
    );
    const items = batchItems(r.node);
    expect(items.map((i) => valueOf(i, "Operation"))).toEqual(["DiscoverVersions", "Query"]);
    expect(findAll(items[0], "ProtocolVersionMajor").map((n) => n.value)).toEqual([2, 2, 1, 1, 1, 1, 1]);
    expect(findAll(items[1], "Operation").map((n) => n.value)).toContain("Encrypt");
  });
});

describe("KMIP 1.x forms", () => {
  test("Create with a TemplateAttribute, GetAttributes by 1.x names; the reply speaks 1.2", async () => {
    const created = await postBinary(
      server.url,
      requestMessage(
        [1, 2],
        [
          "Create",
          [
            t.e("ObjectType", "SymmetricKey"),
            t.s(
              "TemplateAttribute",
              attr1("Cryptographic Algorithm", t.e("X", 3)),
              attr1("Cryptographic Length", t.int("X", 128)),
              attr1("Cryptographic Usage Mask", t.int("X", 12)),
              attr1("Name", t.s("X", t.text("NameValue", "binary-1x-key"), t.e("NameType", "UninterpretedTextString"))),
              attr1("x-purpose", t.text("X", "tests")),
            ),
          ],
        ],
      ),
      as("owner"),
    );
    expect(version(created.node)).toEqual([1, 2]);
    expect(valueOf(created.node, "ResultStatus")).toBe("Success");
    const uid = valueOf(created.node, "UniqueIdentifier") as string;

    const attrs = await postBinary(
      server.url,
      requestMessage(
        [1, 2],
        [
          "GetAttributes",
          [
            t.text("UniqueIdentifier", uid),
            t.text("AttributeName", "Cryptographic Algorithm"),
            t.text("AttributeName", "Cryptographic Length"),
            t.text("AttributeName", "Name"),
            t.text("AttributeName", "State"),
          ],
        ],
      ),
      as("owner"),
    );
    const byName = Object.fromEntries(
      findAll(attrs.node, "Attribute").map((a) => [valueOf(a, "AttributeName"), find(a, "AttributeValue")]),
    );
    expect(Object.keys(byName).sort()).toEqual(["Cryptographic Algorithm", "Cryptographic Length", "Name", "State"]);
    expect(byName["Cryptographic Algorithm"]).toEqual({
      tag: "AttributeValue",
      type: "Enumeration",
      value: "0x00000003",
    });
    expect(byName["Cryptographic Length"]?.value).toBe(128);
    expect(byName.State?.value).toBe("0x00000001"); // PreActive: no activation date was given
    expect(valueOf(byName.Name, "NameValue")).toBe("binary-1x-key");

    const list = await postBinary(
      server.url,
      requestMessage([1, 2], ["GetAttributeList", [t.text("UniqueIdentifier", uid)]]),
      as("owner"),
    );
    const names = findAll(list.node, "AttributeName").map((n) => n.value);
    expect(names).toEqual(
      expect.arrayContaining(["Cryptographic Algorithm", "Object Type", "State", "Unique Identifier", "Initial Date"]),
    );

    const located = await postBinary(
      server.url,
      requestMessage(
        [1, 2],
        [
          "Locate",
          [attr1("Name", t.s("X", t.text("NameValue", "binary-1x-key"), t.e("NameType", "UninterpretedTextString")))],
        ],
      ),
      as("owner"),
    );
    expect(findAll(located.node, "UniqueIdentifier").map((n) => n.value)).toEqual([uid]);
  });

  test("AddAttribute with a 1.x Attribute answers the attribute; 1.x clients get 1.x reasons", async () => {
    const created = await postBinary(
      server.url,
      requestMessage(
        [1, 2],
        [
          "Create",
          [t.e("ObjectType", "SymmetricKey"), t.s("TemplateAttribute", attr1("Cryptographic Algorithm", t.e("X", 3)))],
        ],
      ),
      as("owner"),
    );
    const uid = valueOf(created.node, "UniqueIdentifier") as string;
    const added = await postBinary(
      server.url,
      requestMessage(
        [1, 2],
        [
          "AddAttribute",
          [
            t.text("UniqueIdentifier", uid),
            attr1("Name", t.s("X", t.text("NameValue", "added-name"), t.e("NameType", "UninterpretedTextString"))),
          ],
        ],
      ),
      as("owner"),
    );
    expect(valueOf(added.node, "ResultStatus")).toBe("Success");
    expect(valueOf(find(added.node, "Attribute"), "AttributeName")).toBe("Name");
    expect(valueOf(find(added.node, "Attribute"), "NameValue")).toBe("added-name");
    const located = await postBinary(
      server.url,
      requestMessage(
        [1, 2],
        [
          "Locate",
          [attr1("Name", t.s("X", t.text("NameValue", "added-name"), t.e("NameType", "UninterpretedTextString")))],
        ],
      ),
      as("owner"),
    );
    expect(findAll(located.node, "UniqueIdentifier").map((n) => n.value)).toEqual([uid]);

    const missing = await postBinary(
      server.url,
      requestMessage([1, 2], ["Get", [t.text("UniqueIdentifier", "no-such-key")]]),
      as("owner"),
    );
    expect(valueOf(missing.node, "ResultReason")).toBe("Item_Not_Found"); // KMIP 1.x has no Object_Not_Found
  });

  test("Query in 1.x lists only operations KMIP 1.4 defines", async () => {
    const r = await postBinary(
      server.url,
      requestMessage([1, 4], ["Query", [t.e("QueryFunction", "QueryOperations")]]),
      as("owner"),
    );
    const ops = findAll(batchItems(r.node)[0], "Operation").map((n) => n.value);
    expect(ops).toContain("Create");
    expect(ops).not.toContain("SetAttribute"); // KMIP 2.0
  });
});

describe("bad input", () => {
  test.each([
    ["garbage", new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), /byte 0/],
    ["truncated message", requestMessage([2, 1], createAes21()).subarray(0, 40), /byte/],
    ["a bare operation", new Uint8Array([0x42, 0x00, 0x79, 0x01, 0, 0, 0, 0]), /must be a RequestMessage/],
    ["an unsupported protocol version", requestMessage([3, 0], ["Query", []]), /protocol version 3.0 is not supported/],
  ])("%s: a ResponseMessage with Invalid_Message", async (_name, body, message) => {
    const r = await postBinary(server.url, body, as("owner"));
    expect(r.status).toBe(200);
    expect(valueOf(r.node, "ResultStatus")).toBe("OperationFailed");
    expect(valueOf(r.node, "ResultReason")).toBe("Invalid_Message");
    expect(valueOf(r.node, "ResultMessage")).toMatch(message);
  });

  test("an unauthenticated binary request is refused before decoding", async () => {
    const r = await postBinary(server.url, requestMessage([2, 1], createAes21()));
    expect(r.status).toBe(401);
  });
});

describe("rights and audit are the JSON route's", () => {
  test("a stranger cannot get, use or destroy the owner's key; the key is unchanged", async () => {
    const created = await postBinary(server.url, requestMessage([2, 1], createAes21()), as("owner"));
    const uid = valueOf(created.node, "UniqueIdentifier") as string;
    await postKmip(server.url, t.s("Activate", t.text("UniqueIdentifier", uid)), as("owner"));
    const before = await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", uid)), as("owner"));
    for (const [op, payload] of [
      ["Get", [t.text("UniqueIdentifier", uid)]],
      ["Encrypt", [t.text("UniqueIdentifier", uid), t.b("Data", "00112233")]],
      [
        "Revoke",
        [t.text("UniqueIdentifier", uid), t.s("RevocationReason", t.e("RevocationReasonCode", "Unspecified"))],
      ],
      ["Destroy", [t.text("UniqueIdentifier", uid)]],
    ] as [string, Node[]][]) {
      const r = await postBinary(server.url, requestMessage([2, 1], [op, payload]), as("stranger"));
      // the reason an unknown id gets: the stranger learns nothing about the key
      const unknown = await postBinary(
        server.url,
        requestMessage(
          [2, 1],
          [op, payload.map((n) => (n.tag === "UniqueIdentifier" ? t.text("UniqueIdentifier", "no-such-key") : n))],
        ),
        as("stranger"),
      );
      expect(valueOf(unknown.node, "ResultReason")).toMatch(/Not_Found/);
      expect([op, valueOf(r.node, "ResultStatus"), valueOf(r.node, "ResultReason")]).toEqual([
        op,
        "OperationFailed",
        valueOf(unknown.node, "ResultReason"),
      ]);
      expect(find(r.node, "ResponsePayload")).toBeUndefined();
    }
    const after = await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", uid)), as("owner"));
    expect(after.json).toEqual(before.json);
    const attrs = await postKmip(server.url, t.s("GetAttributes", t.text("UniqueIdentifier", uid)), as("owner"));
    expect(valueOf(attrs.json, "State")).toBe("Active");
  });

  test("each batch item is audited with the user and the result", async () => {
    const created = await postBinary(
      server.url,
      requestMessage(
        [1, 4],
        [
          "Create",
          [t.e("ObjectType", "SymmetricKey"), t.s("TemplateAttribute", attr1("Cryptographic Algorithm", t.e("X", 3)))],
        ],
      ),
      as("owner"),
    );
    const uid = valueOf(created.node, "UniqueIdentifier") as string;
    await postBinary(server.url, requestMessage([2, 1], ["Get", [t.text("UniqueIdentifier", uid)]]), as("stranger"));
    const lines = readFileSync(path.join(server.dataDir, "audit.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ user: "owner", operation: "Create", objectId: uid, result: "Success" }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        user: "stranger",
        operation: "Get",
        objectId: uid,
        result: expect.stringMatching(/Not_Found$/),
      }),
    );
  });
});
