/**
 * Test helpers for binary TTLV: building RequestMessages from the JSON-style `t.*` nodes, posting
 * them over HTTP as application/octet-stream, and reading a binary ResponseMessage back as a JSON
 * node (so `find`/`valueOf` work on it).
 */
import { decodeNode, encodeNode } from "../../src/kmip/ttlv.ts";
import { decodeTtlvBinary, encodeTtlvBinary } from "../../src/kmip/ttlv-binary.ts";
import { t, type Node } from "./server.ts";

/** A RequestMessage in `version` with one batch item per [operation, payload children]. */
export function requestMessage(version: [number, number], ...items: [string, Node[]][]): Uint8Array {
  const node = t.s(
    "RequestMessage",
    t.s(
      "RequestHeader",
      t.s("ProtocolVersion", t.int("ProtocolVersionMajor", version[0]), t.int("ProtocolVersionMinor", version[1])),
      t.int("BatchCount", items.length),
    ),
    ...items.map(([op, payload]) => t.s("BatchItem", t.e("Operation", op), t.s("RequestPayload", ...payload))),
  );
  return encodeTtlvBinary(decodeNode(node));
}

/** A KMIP 1.x Attribute {AttributeName, AttributeValue}. */
export const attr1 = (name: string, value: Node): Node =>
  t.s("Attribute", t.text("AttributeName", name), { ...value, tag: "AttributeValue" });

export function readBinary(bytes: Uint8Array): Node {
  return encodeNode(decodeTtlvBinary(bytes)) as Node;
}

export async function postBinary(
  url: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
  route = "/kmip",
): Promise<{
  status: number;
  contentType: string | null;
  contentLength: string | null;
  bytes: Uint8Array;
  node?: Node;
}> {
  const res = await fetch(url + route, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", ...headers },
    body: body as Uint8Array<ArrayBuffer>,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  let node: Node | undefined;
  try {
    node = readBinary(bytes);
  } catch {
    node = undefined;
  }
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    contentLength: res.headers.get("content-length"),
    bytes,
    node,
  };
}

/** The batch items of a ResponseMessage node. */
export const batchItems = (node: Node | undefined): Node[] =>
  ((node?.value as Node[]) ?? []).filter((n) => n.tag === "BatchItem");
