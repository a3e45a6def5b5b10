/**
 * Requests and responses on the wire: bare operations and RequestMessage/ResponseMessage (KMIP 2.1
 * §7), in the two Cosmian JSON generations.
 *
 * - `cosmian-js`: what cloudproof_kms_js 4.0.0 (and KMS 4.x) speak. `"type":"Structure"` on every
 *   Structure; lists of Link, VendorAttributes and Locate's UniqueIdentifier as a wrapper Structure
 *   of repeated children; vendor attributes under `VendorAttributes`; objects under `Object`; the
 *   client's own enumeration spellings.
 * - `kmip-v5`: Cosmian KMS 5.x. No type on Structures; lists as repeated siblings; vendor attributes
 *   as repeated `Attribute`, the tag list as TextString JSON; objects under their type tag.
 * A request is `kmip-v5` when its root node has no `type`; replies follow the request.
 */
import { KmipError } from "./error.ts";
import { clientEnumName } from "./enums.ts";
import { fromTtlv, isRawNode, rawNode, toTtlv, toTtlvNodes, type KmipRecord, type KmipValue } from "./struct.ts";
import {
  decodeNode,
  encodeNode,
  parseJsonBody,
  ttlvJsonBytes,
  type EncodeOptions,
  type LargeBytes,
  type TtlvNode,
} from "./ttlv.ts";
import { CLIENT_TAG_NAMES } from "./tags.ts";
import { utf8 } from "../crypto/bytes.ts";

/**
 * Which Cosmian wire generation a request came in: the JS client (cloudproof_kms_js, KMS 4.x:
 * `"type":"Structure"` everywhere, objects under `Object`) or KMS 5.x (no type on Structures,
 * objects under their type tag). Replies follow the request's generation.
 */
export type WireDialect = "cosmian-js" | "kmip-v5";

export interface BatchItemRequest {
  operation: string;
  payload: KmipRecord;
  uniqueBatchItemId?: Uint8Array;
}

export type DecodedRequest =
  | { kind: "operation"; dialect: WireDialect; operation: string; payload: KmipRecord }
  | {
      kind: "message";
      dialect: WireDialect;
      protocolVersion: { major: number; minor: number };
      batchErrorContinuation?: string;
      items: BatchItemRequest[];
    };

/**
 * Parses a request body; throws KmipError (Invalid_Message / Invalid_Field) naming what is wrong.
 * A RequestMessage of more than `maxBatchItems` items is refused (Server_Limit_Exceeded) before its
 * items are decoded.
 */
export function decodeRequest(text: string, maxBatchItems = Infinity): DecodedRequest {
  // Counted in the text first: a message far over the limit is refused without parsing megabytes
  if (Number.isFinite(maxBatchItems)) {
    const items = /"tag"\s*:\s*"BatchItem"/g;
    let count = 0;
    while (items.exec(text) && ++count <= maxBatchItems);
    if (count > maxBatchItems)
      throw new KmipError(
        "Server_Limit_Exceeded",
        `/RequestMessage: more than ${maxBatchItems} batch items; this server takes at most ${maxBatchItems} per message`,
      );
  }
  const json = parseJsonBody(text);
  const dialect: WireDialect = typeof json === "object" && json !== null && "type" in json ? "cosmian-js" : "kmip-v5";
  return decodeRequestNode(decodeNode(json), dialect);
}

/** A decoded request tree (from the JSON or the binary codec) -> a bare operation or a RequestMessage. */
export function decodeRequestNode(root: TtlvNode, dialect: WireDialect): DecodedRequest {
  if (root.type !== "Structure")
    throw new KmipError("Invalid_Message", `/${root.tag}: the request root must be a Structure`);
  if (root.tag !== "RequestMessage") {
    return { kind: "operation", dialect, operation: root.tag, payload: fromTtlv(root) as KmipRecord };
  }
  const header = root.value.find((n) => n.tag === "RequestHeader");
  if (header?.type !== "Structure") throw new KmipError("Invalid_Message", "/RequestMessage: missing RequestHeader");
  const h = fromTtlv(header) as KmipRecord;
  const pv = h.ProtocolVersion as KmipRecord | undefined;
  const major = pv?.ProtocolVersionMajor,
    minor = pv?.ProtocolVersionMinor;
  if (typeof major !== "number" || typeof minor !== "number")
    throw new KmipError("Invalid_Message", "/RequestMessage/RequestHeader: missing ProtocolVersion");
  const items: BatchItemRequest[] = [];
  for (const node of root.value) {
    if (node.tag !== "BatchItem") continue;
    if (node.type !== "Structure")
      throw new KmipError("Invalid_Message", "/RequestMessage/BatchItem must be a Structure");
    const item = fromTtlv(node) as KmipRecord;
    const operation = item.Operation;
    if (typeof operation !== "string")
      throw new KmipError(
        "Invalid_Field",
        `/RequestMessage/BatchItem/Operation: unknown or missing OperationEnumeration ${String(operation)}`,
      );
    const payload = item.RequestPayload;
    items.push({
      operation,
      payload:
        payload &&
        typeof payload === "object" &&
        !Array.isArray(payload) &&
        !(payload instanceof Uint8Array) &&
        !(payload instanceof Date)
          ? (payload as KmipRecord)
          : {},
      uniqueBatchItemId: item.UniqueBatchItemID instanceof Uint8Array ? item.UniqueBatchItemID : undefined,
    });
  }
  if (items.length === 0) throw new KmipError("Invalid_Message", "/RequestMessage: no BatchItem");
  const bec = h.BatchErrorContinuationOption;
  return {
    kind: "message",
    dialect,
    protocolVersion: { major, minor },
    batchErrorContinuation: typeof bec === "string" ? bec : undefined,
    items,
  };
}

// ----------------------------------------------------------------------------------------------
// Responses

const JS_WRAPPED_LISTS = new Set(["Link", "VendorAttributes"]);
const JS_WRAPPED_LISTS_LOCATE = new Set(["Link", "VendorAttributes", "UniqueIdentifier"]);

/** Rewrites a response record for the dialect (vendor attribute spelling, object tag). */
function adapt(value: KmipValue | undefined, dialect: WireDialect): KmipValue | undefined {
  if (Array.isArray(value)) return value.map((v) => adapt(v, dialect)!) as KmipValue[];
  if (!value || typeof value !== "object" || value instanceof Uint8Array || value instanceof Date || isRawNode(value))
    return value;
  const record = value as KmipRecord;
  const out: KmipRecord = {};
  for (const [key, v] of Object.entries(record)) {
    if (v === undefined) continue;
    if (dialect === "kmip-v5" && key === "VendorAttributes") {
      out.Attribute = (v as KmipRecord[]).map((va) => v5VendorAttribute(va));
    } else if (dialect === "kmip-v5" && key === "Object" && typeof record.ObjectType === "string") {
      out[record.ObjectType] = adapt(v, dialect);
    } else out[key] = adapt(v, dialect);
  }
  return out;
}

/** v5 writes the tag list as a TextString. */
function v5VendorAttribute(va: KmipRecord): KmipRecord {
  const value = va.AttributeValue as TtlvNode;
  if (va.AttributeName === "tag" && isRawNode(value) && value.type === "ByteString") {
    return {
      ...va,
      AttributeValue: rawNode({ tag: "AttributeValue", type: "TextString", value: utf8.decode(value.value) }),
    };
  }
  return va;
}

/** How each dialect spells a JSON answer. */
const ENCODE_OPTIONS: Readonly<Record<WireDialect, EncodeOptions>> = {
  "kmip-v5": { omitStructureType: true },
  "cosmian-js": { omitStructureType: false, enumSpelling: clientEnumName, tagSpelling: CLIENT_TAG_NAMES },
};

function serialize(node: TtlvNode, dialect: WireDialect): string {
  return JSON.stringify(encodeNode(node, ENCODE_OPTIONS[dialect]));
}

/** ByteStrings from this size on go into an answer body as bytes, never as a hex string. */
const LARGE_BYTES = 16 * 1024;

/**
 * An answer body: the JSON text, or its UTF-8 bytes when it holds a large ByteString (its hex is
 * then written straight into the bytes: no hex string, no JSON.stringify over it, no re-encoding).
 */
function serializeBody(node: TtlvNode, dialect: WireDialect): string | Uint8Array {
  const found: LargeBytes[] = [];
  const json = encodeNode(node, { ...ENCODE_OPTIONS[dialect], largeBytes: { atLeast: LARGE_BYTES, found } });
  return found.length > 0 ? ttlvJsonBytes(json) : JSON.stringify(json);
}

/** The bare `<Op>Response` for `/kmip/2_1`. */
export function encodeOperationResponse(operation: string, payload: KmipRecord, dialect: WireDialect): string {
  return serialize(operationResponseNode(operation, payload, dialect), dialect);
}

/** encodeOperationResponse as an HTTP body: UTF-8 bytes when the answer holds a large ByteString. */
export function encodeOperationResponseBody(
  operation: string,
  payload: KmipRecord,
  dialect: WireDialect,
): string | Uint8Array {
  return serializeBody(operationResponseNode(operation, payload, dialect), dialect);
}

function operationResponseNode(operation: string, payload: KmipRecord, dialect: WireDialect): TtlvNode {
  const wrapLists =
    dialect === "cosmian-js" ? (operation === "Locate" ? JS_WRAPPED_LISTS_LOCATE : JS_WRAPPED_LISTS) : undefined;
  return toTtlv(`${operation}Response`, adapt(payload, dialect) as KmipRecord, { wrapLists });
}

export interface BatchItemResult {
  operation?: string;
  uniqueBatchItemId?: Uint8Array;
  status: "Success" | "OperationFailed" | "OperationUndone";
  reason?: string;
  message?: string;
  payload?: KmipRecord;
}

export function encodeResponseMessage(
  protocolVersion: { major: number; minor: number },
  results: BatchItemResult[],
  dialect: WireDialect,
): string {
  return serialize(responseMessageNode(protocolVersion, results, dialect), dialect);
}

/** The ResponseMessage tree (KMIP 2.1 §7), for either codec. */
export function responseMessageNode(
  protocolVersion: { major: number; minor: number },
  results: BatchItemResult[],
  dialect: WireDialect,
): TtlvNode {
  return {
    tag: "ResponseMessage",
    type: "Structure",
    value: [responseHeaderNode(protocolVersion, results.length), ...results.map((r) => batchItemNode(r, dialect))],
  };
}

function batchItemNode(r: BatchItemResult, dialect: WireDialect): TtlvNode {
  const wrapLists = dialect === "cosmian-js" ? JS_WRAPPED_LISTS : undefined;
  const children: TtlvNode[] = [];
  if (r.operation) children.push({ tag: "Operation", type: "Enumeration", value: r.operation });
  if (r.uniqueBatchItemId) children.push({ tag: "UniqueBatchItemID", type: "ByteString", value: r.uniqueBatchItemId });
  children.push({ tag: "ResultStatus", type: "Enumeration", value: r.status });
  if (r.reason) children.push({ tag: "ResultReason", type: "Enumeration", value: r.reason });
  if (r.message !== undefined) children.push({ tag: "ResultMessage", type: "TextString", value: r.message });
  if (r.payload) children.push(...toTtlvNodes("ResponsePayload", adapt(r.payload, dialect), { wrapLists }));
  return { tag: "BatchItem", type: "Structure", value: children };
}

function responseHeaderNode(protocolVersion: { major: number; minor: number }, count: number): TtlvNode {
  const timestamp = new Date();
  timestamp.setMilliseconds(0);
  return {
    tag: "ResponseHeader",
    type: "Structure",
    value: [
      {
        tag: "ProtocolVersion",
        type: "Structure",
        value: [
          { tag: "ProtocolVersionMajor", type: "Integer", value: protocolVersion.major },
          { tag: "ProtocolVersionMinor", type: "Integer", value: protocolVersion.minor },
        ],
      },
      { tag: "TimeStamp", type: "DateTime", value: timestamp },
      { tag: "BatchCount", type: "Integer", value: count },
    ],
  };
}

/**
 * A JSON ResponseMessage built in steps (a large answer is encoded item by item, and the server
 * answers other requests in between): `head`, then each `encodeBatchItem` separated by commas,
 * then `tail`.
 */
export function responseMessageFrame(
  protocolVersion: { major: number; minor: number },
  count: number,
  dialect: WireDialect,
): [head: string, tail: string] {
  const text = serialize(
    { tag: "ResponseMessage", type: "Structure", value: [responseHeaderNode(protocolVersion, count)] },
    dialect,
  );
  // `…"value":[<header>]}`: the items go after the header, inside the list
  return [text.slice(0, -2) + (count > 0 ? "," : ""), "]}"];
}

/**
 * One BatchItem of a JSON ResponseMessage (see responseMessageFrame): its text, or its UTF-8 bytes
 * when it holds a large ByteString.
 */
export function encodeBatchItem(r: BatchItemResult, dialect: WireDialect): string | Uint8Array {
  return serializeBody(batchItemNode(r, dialect), dialect);
}
