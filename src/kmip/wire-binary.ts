/**
 * Binary TTLV messages (KMIP 2.1 §9.1 over TLS or HTTPS): a RequestMessage in, a ResponseMessage
 * out, through the same decoding into records as the JSON routes. A binary request speaks standard
 * KMIP: replies use the request's ProtocolVersion, and KMIP 1.x payloads are converted to and from
 * the 2.x model at this edge (kmip1.ts).
 */
import { KmipError } from "./error.ts";
import { reasonFor1x, requestFrom1x, responseForVersion, standardAttributeReferences } from "./kmip1.ts";
import { concatParts, decodeTtlvBinary, encodeTtlvBinaryParts, type BinaryDecodeOptions } from "./ttlv-binary.ts";
import { decodeRequestNode, responseMessageNode, type BatchItemResult, type DecodedRequest } from "./wire.ts";

export type DecodedMessage = Extract<DecodedRequest, { kind: "message" }>;

/** Protocol versions served on the binary transports, in preference order (DiscoverVersions). */
export const BINARY_PROTOCOL_VERSIONS: readonly (readonly [major: number, minor: number])[] = [
  [2, 1],
  [2, 0],
  [1, 4],
  [1, 3],
  [1, 2],
  [1, 1],
  [1, 0],
];

export function isServedVersion(v: { major: number; minor: number }): boolean {
  return BINARY_PROTOCOL_VERSIONS.some(([M, m]) => M === v.major && m === v.minor);
}

/** Decodes a binary RequestMessage; payloads of a 1.x request come out in the 2.x form. */
export function decodeBinaryRequest(bytes: Uint8Array, options: BinaryDecodeOptions = {}): DecodedMessage {
  const root = decodeTtlvBinary(bytes, options);
  if (root.tag !== "RequestMessage")
    throw new KmipError("Invalid_Message", `binary TTLV: the request root must be a RequestMessage, got ${root.tag}`);
  const request = decodeRequestNode(root, "kmip-v5");
  if (request.kind !== "message")
    throw new KmipError("Invalid_Message", "binary TTLV: the request root must be a RequestMessage");
  if (!isServedVersion(request.protocolVersion)) {
    const { major, minor } = request.protocolVersion;
    throw new KmipError(
      "Invalid_Message",
      `protocol version ${major}.${minor} is not supported; supported: ${BINARY_PROTOCOL_VERSIONS.map(([M, m]) => `${M}.${m}`).join(", ")}`,
    );
  }
  const kmip1 = request.protocolVersion.major < 2;
  request.items = request.items.map((item) => ({
    ...item,
    payload: standardAttributeReferences(kmip1 ? requestFrom1x(item.operation, item.payload) : item.payload),
  }));
  return request;
}

/**
 * The ResponseMessage for a binary request, in its protocol version. `requests` are the decoded
 * items (what was asked shapes some 1.x answers, e.g. GetAttributes by name).
 */
export function encodeBinaryResponse(
  version: { major: number; minor: number },
  results: BatchItemResult[],
  requests: DecodedMessage["items"] = [],
): Uint8Array {
  return concatParts(encodeBinaryResponseParts(version, results, requests));
}

/**
 * encodeBinaryResponse as consecutive parts (see encodeTtlvBinaryParts): large ByteStrings are
 * parts of their own, sent as they are instead of copied into one message buffer.
 */
export function encodeBinaryResponseParts(
  version: { major: number; minor: number },
  results: BatchItemResult[],
  requests: DecodedMessage["items"] = [],
): Uint8Array[] {
  const legacy = version.major < 2 || (version.major === 2 && version.minor === 0);
  const shaped = !legacy
    ? results
    : results.map((r, i) => {
        const out = { ...r };
        if (r.payload && r.operation)
          out.payload = responseForVersion(r.operation, r.payload, version, requests[i]?.payload);
        if (version.major < 2 && r.reason && reasonFor1x(r.reason) !== r.reason) {
          out.reason = reasonFor1x(r.reason);
          out.message = `${r.reason}: ${r.message ?? ""}`;
        }
        return out;
      });
  return encodeTtlvBinaryParts(responseMessageNode(version, shaped, "kmip-v5"));
}
