/**
 * POST /kmip/2_1 and POST /kmip: body -> decode -> dispatch -> encode.
 *
 * A bare operation answers its bare `<Op>Response` (200) or a text error with a 4xx status.
 * A RequestMessage always answers a ResponseMessage (200) with one result per batch item; a failed
 * item does not stop the others unless BatchErrorContinuationOption says Stop or Undo. With Undo,
 * the whole batch runs in one transaction and a failure rolls every earlier item back.
 */
import { KmipError } from "../kmip/error.ts";
import { decodeRequest, encodeOperationResponse, encodeResponseMessage, type BatchItemResult, type DecodedRequest } from "../kmip/wire.ts";
import { decodeBinaryRequest, encodeBinaryResponse, type DecodedMessage } from "../kmip/wire-binary.ts";
import { dispatch } from "../operations/dispatch.ts";
import type { OperationContext, OperationSettings } from "../operations/context.ts";
import type { ObjectStore } from "../store/store.ts";
import { failureResponse, toFailure } from "./errors.ts";
import type { Logger } from "./log.ts";
import { auditEvent, objectIdOf, type AuditSink } from "./audit.ts";

export interface KmipDeps {
  store: ObjectStore;
  settings: OperationSettings;
  log: Logger;
  audit: AuditSink;
}

/** Who sent the request, for the audit trail. */
export interface RequestInfo {
  requestId: string;
  user: string;
  client?: string;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

export async function handleKmip(body: string, info: RequestInfo, deps: KmipDeps, messagesOnly: boolean): Promise<Response> {
  const { user, requestId } = info;
  const audit = (operation: string, result: string, objectId?: string) =>
    deps.audit.append(auditEvent({ requestId, user, client: info.client, operation, objectId, result }));
  let request: DecodedRequest;
  try {
    if (!/^\s*\{/.test(body)) {
      throw new KmipError("Invalid_Message", "the body must be a JSON TTLV object (JWE-encrypted bodies are not supported)");
    }
    request = decodeRequest(body);
  } catch (e) {
    const f = toFailure(e, deps.log, requestId);
    await audit("(undecodable request)", f.reason);
    // A RequestMessage is answered by a ResponseMessage even when it cannot be read (as Cosmian).
    if (!messagesOnly && !isRequestMessage(body)) return failureResponse(f);
    const results: BatchItemResult[] = [{ status: "OperationFailed", reason: f.reason, message: f.message }];
    return new Response(encodeResponseMessage({ major: 2, minor: 1 }, results, "kmip-v5"), { headers: JSON_HEADERS });
  }
  if (request.kind === "operation") {
    if (messagesOnly) {
      return failureResponse({ status: 422, reason: "Invalid_Message", message: "POST /kmip takes a RequestMessage; send bare operations to /kmip/2_1" });
    }
    const ctx: OperationContext = { wire: request.dialect, user, store: deps.store, settings: deps.settings, log: deps.log };
    let payload;
    try {
      payload = await dispatch(request.operation, request.payload, ctx);
    } catch (e) {
      const f = toFailure(e, deps.log, requestId);
      deps.log.debug("kmip", { requestId, user, op: request.operation, result: f.reason });
      await audit(request.operation, f.reason, objectIdOf(request.payload));
      return failureResponse(f);
    }
    deps.log.debug("kmip", { requestId, user, op: request.operation, result: "Success" });
    await audit(request.operation, "Success", objectIdOf(request.payload, payload));
    return new Response(encodeOperationResponse(request.operation, payload, request.dialect), { headers: JSON_HEADERS });
  }
  const results = await runBatch(request, user, deps, requestId);
  await auditBatch(request, results, info, deps);
  return new Response(encodeResponseMessage(request.protocolVersion, results, request.dialect), { headers: JSON_HEADERS });
}

/**
 * A binary TTLV RequestMessage (KMIP 2.1 §9.1), from POST /kmip or the TLS socket server: the same
 * batch run, authorization and audit trail as the JSON routes, answered by a binary ResponseMessage
 * in the request's protocol version. An unreadable message is answered by a ResponseMessage with
 * one failed item (KMIP 2.1 §7.1), never by a closed connection or a stack trace.
 */
export async function handleKmipBinary(body: Uint8Array, info: RequestInfo, deps: KmipDeps, maxBytes?: number): Promise<Uint8Array> {
  const { user, requestId } = info;
  let request: DecodedMessage;
  try {
    request = decodeBinaryRequest(body, { maxBytes });
  } catch (e) {
    const f = toFailure(e, deps.log, requestId);
    await deps.audit.append(auditEvent({ requestId, user, client: info.client, operation: "(undecodable request)", result: f.reason }));
    return encodeBinaryResponse({ major: 2, minor: 1 }, [{ status: "OperationFailed", reason: f.reason, message: f.message }]);
  }
  const results = await runBatch(request, user, deps, requestId, { byteKeyFormats: true });
  await auditBatch(request, results, info, deps);
  try {
    return encodeBinaryResponse(request.protocolVersion, results, request.items);
  } catch (e) {
    // an answer with no binary form (a value outside the tag or enumeration tables): say so, in binary
    const f = toFailure(e, deps.log, requestId);
    const failed = results.map((r): BatchItemResult => ({ operation: r.operation, uniqueBatchItemId: r.uniqueBatchItemId, status: "OperationFailed", reason: f.reason, message: `the answer cannot be encoded in binary TTLV: ${f.message}` }));
    return encodeBinaryResponse(request.protocolVersion, failed);
  }
}

/** One audit event per batch item. */
async function auditBatch(request: DecodedMessage, results: BatchItemResult[], info: RequestInfo, deps: KmipDeps): Promise<void> {
  for (const [i, r] of results.entries()) {
    await deps.audit.append(auditEvent({
      requestId: info.requestId, user: info.user, client: info.client, operation: r.operation ?? "?",
      result: r.status === "Success" ? "Success" : r.status === "OperationUndone" ? "Undone" : (r.reason ?? "OperationFailed"),
      objectId: objectIdOf(request.items[i]?.payload, r.payload),
    }));
  }
}

class BatchAborted extends Error {}

async function runBatch(request: DecodedMessage, user: string, deps: KmipDeps, requestId: string, options: Pick<OperationContext, "byteKeyFormats"> = {}): Promise<BatchItemResult[]> {
  const ctx: OperationContext = { wire: request.dialect, user, store: deps.store, settings: deps.settings, log: deps.log, ...options };
  const mode = request.batchErrorContinuation ?? "Continue";
  const results: BatchItemResult[] = [];
  const runItems = async () => {
    for (const item of request.items) {
      const base = { operation: item.operation, uniqueBatchItemId: item.uniqueBatchItemId };
      if (results.some((r) => r.status === "OperationFailed") && mode !== "Continue") {
        results.push({ ...base, status: "OperationFailed", reason: "Operation_Canceled_By_Requester", message: `not processed: an earlier batch item failed (BatchErrorContinuationOption ${mode})` });
        continue;
      }
      try {
        const payload = await dispatch(item.operation, item.payload, ctx);
        results.push({ ...base, status: "Success", payload });
        deps.log.debug("kmip", { requestId, user, op: item.operation, result: "Success" });
      } catch (e) {
        const f = toFailure(e, deps.log, requestId);
        results.push({ ...base, status: "OperationFailed", reason: f.reason, message: f.message });
        deps.log.debug("kmip", { requestId, user, op: item.operation, result: f.reason });
      }
    }
    if (mode === "Undo" && results.some((r) => r.status === "OperationFailed")) throw new BatchAborted();
  };
  if (mode !== "Undo") {
    await runItems();
    return results;
  }
  try {
    await deps.store.atomic(runItems);
  } catch (e) {
    if (!(e instanceof BatchAborted)) throw e;
    return results.map((r) => (r.status === "Success" ? { operation: r.operation, uniqueBatchItemId: r.uniqueBatchItemId, status: "OperationUndone" } : r));
  }
  return results;
}

function isRequestMessage(body: string): boolean {
  try {
    return (JSON.parse(body) as { tag?: unknown } | null)?.tag === "RequestMessage";
  } catch {
    return false;
  }
}
