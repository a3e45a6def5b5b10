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
import { AuditUnavailable, objectIdOf, type AuditFields, type AuditSink } from "./audit.ts";

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

const recordOf = (info: RequestInfo) => (operation: string, result: string, objectId?: string): AuditFields => ({ requestId: info.requestId, user: info.user, client: info.client, operation, objectId, result });

export async function handleKmip(body: string, info: RequestInfo, deps: KmipDeps, messagesOnly: boolean): Promise<Response> {
  const { user, requestId } = info;
  const record = recordOf(info);
  let request: DecodedRequest;
  try {
    if (!/^\s*\{/.test(body)) {
      throw new KmipError("Invalid_Message", "the body must be a JSON TTLV object (JWE-encrypted bodies are not supported)");
    }
    request = decodeRequest(body);
  } catch (e) {
    const f = toFailure(e, deps.log, requestId);
    await deps.audit.append(record("(undecodable request)", f.reason));
    // A RequestMessage is answered by a ResponseMessage even when it cannot be read (as Cosmian).
    if (!messagesOnly && !isRequestMessage(body)) return failureResponse(f);
    const results: BatchItemResult[] = [{ status: "OperationFailed", reason: f.reason, message: f.message }];
    return new Response(encodeResponseMessage({ major: 2, minor: 1 }, results, "kmip-v5"), { headers: JSON_HEADERS });
  }
  if (request.kind === "operation" && messagesOnly) {
    return failureResponse({ status: 422, reason: "Invalid_Message", message: "POST /kmip takes a RequestMessage; send bare operations to /kmip/2_1" });
  }
  // Nothing runs unless the trail can say it is about to (file trail; the database trail records in the operation's transaction).
  const operations = request.kind === "operation" ? request.operation : request.items.map((i) => i.operation).join(",");
  await deps.audit.intent(record(operations, "Pending", request.kind === "operation" ? objectIdOf(request.payload) : undefined));
  if (request.kind === "operation") {
    const ctx: OperationContext = { wire: request.dialect, user, store: deps.store, settings: deps.settings, log: deps.log };
    const { operation, payload: input } = request;
    let payload;
    try {
      payload = await deps.audit.committed(() => dispatch(operation, input, ctx), (out) => [record(operation, "Success", objectIdOf(input, out))]);
    } catch (e) {
      if (e instanceof AuditUnavailable) throw e;
      const f = toFailure(e, deps.log, requestId);
      deps.log.debug("kmip", { requestId, user, op: operation, result: f.reason });
      await deps.audit.append(record(operation, f.reason, objectIdOf(input)));
      return failureResponse(f);
    }
    deps.log.debug("kmip", { requestId, user, op: operation, result: "Success" });
    return new Response(encodeOperationResponse(operation, payload, request.dialect), { headers: JSON_HEADERS });
  }
  const results = await runBatch(request, user, deps, requestId, record);
  return new Response(encodeResponseMessage(request.protocolVersion, results, request.dialect), { headers: JSON_HEADERS });
}

/**
 * A binary TTLV RequestMessage (KMIP 2.1 §9.1), from POST /kmip or the TLS socket server: the same
 * batch run, authorization and audit trail as the JSON routes, answered by a binary ResponseMessage
 * in the request's protocol version. An unreadable message is answered by a ResponseMessage with
 * one failed item (KMIP 2.1 §7.1), never by a closed connection or a stack trace. When the audit
 * trail cannot record the request, nothing runs and every item fails with General_Failure.
 */
export async function handleKmipBinary(body: Uint8Array, info: RequestInfo, deps: KmipDeps, maxBytes?: number): Promise<Uint8Array> {
  const { user, requestId } = info;
  const record = recordOf(info);
  let request: DecodedMessage;
  try {
    request = decodeBinaryRequest(body, { maxBytes });
  } catch (e) {
    const f = toFailure(e, deps.log, requestId);
    await deps.audit.append(record("(undecodable request)", f.reason));
    return encodeBinaryResponse({ major: 2, minor: 1 }, [{ status: "OperationFailed", reason: f.reason, message: f.message }]);
  }
  let results: BatchItemResult[];
  try {
    await deps.audit.intent(record(request.items.map((i) => i.operation).join(","), "Pending"));
    results = await runBatch(request, user, deps, requestId, record, { byteKeyFormats: true });
  } catch (e) {
    if (!(e instanceof AuditUnavailable)) throw e;
    deps.log.error("request refused: the audit trail cannot be written", { requestId });
    const message = `the audit trail cannot be written, so the request was not run (request ${requestId})`;
    return encodeBinaryResponse(request.protocolVersion, request.items.map((i) => ({ operation: i.operation, uniqueBatchItemId: i.uniqueBatchItemId, status: "OperationFailed", reason: "General_Failure", message })));
  }
  try {
    return encodeBinaryResponse(request.protocolVersion, results, request.items);
  } catch (e) {
    // an answer with no binary form (a value outside the tag or enumeration tables): say so, in binary
    const f = toFailure(e, deps.log, requestId);
    const failed = results.map((r): BatchItemResult => ({ operation: r.operation, uniqueBatchItemId: r.uniqueBatchItemId, status: "OperationFailed", reason: f.reason, message: `the answer cannot be encoded in binary TTLV: ${f.message}` }));
    return encodeBinaryResponse(request.protocolVersion, failed);
  }
}

class BatchAborted extends Error {}

type RecordOf = (operation: string, result: string, objectId?: string) => AuditFields;

/** Each item is audited: on its own (Continue, Stop), or with the whole batch in one transaction (Undo). */
async function runBatch(request: DecodedMessage, user: string, deps: KmipDeps, requestId: string, record: RecordOf, options: Pick<OperationContext, "byteKeyFormats"> = {}): Promise<BatchItemResult[]> {
  const ctx: OperationContext = { wire: request.dialect, user, store: deps.store, settings: deps.settings, log: deps.log, ...options };
  const mode = request.batchErrorContinuation ?? "Continue";
  const recordOf = (r: BatchItemResult, i: number) =>
    record(r.operation ?? "?", r.status === "Success" ? "Success" : r.status === "OperationUndone" ? "Undone" : (r.reason ?? "OperationFailed"), objectIdOf(request.items[i]?.payload, r.payload));
  const results: BatchItemResult[] = [];
  const runItems = async () => {
    for (const [i, item] of request.items.entries()) {
      const base = { operation: item.operation, uniqueBatchItemId: item.uniqueBatchItemId };
      if (results.some((r) => r.status === "OperationFailed") && mode !== "Continue") {
        results.push({ ...base, status: "OperationFailed", reason: "Operation_Canceled_By_Requester", message: `not processed: an earlier batch item failed (BatchErrorContinuationOption ${mode})` });
        if (mode !== "Undo") await deps.audit.append(recordOf(results[i], i));
        continue;
      }
      try {
        const run = () => dispatch(item.operation, item.payload, ctx);
        const payload = mode === "Undo" ? await run() : await deps.audit.committed(run, (out) => [recordOf({ ...base, status: "Success", payload: out }, i)]);
        results.push({ ...base, status: "Success", payload });
        deps.log.debug("kmip", { requestId, user, op: item.operation, result: "Success" });
      } catch (e) {
        const f = e instanceof AuditUnavailable ? { reason: "General_Failure" as const, message: `not run: ${e.message}` } : toFailure(e, deps.log, requestId);
        results.push({ ...base, status: "OperationFailed", reason: f.reason, message: f.message });
        deps.log.debug("kmip", { requestId, user, op: item.operation, result: f.reason });
        if (mode !== "Undo" && !(e instanceof AuditUnavailable)) await deps.audit.append(recordOf(results[i], i));
      }
    }
    if (mode === "Undo" && results.some((r) => r.status === "OperationFailed")) throw new BatchAborted();
    return results;
  };
  if (mode !== "Undo") return runItems();
  try {
    return await deps.audit.committed(() => deps.store.atomic(runItems), (all) => all.map(recordOf));
  } catch (e) {
    if (!(e instanceof BatchAborted)) throw e;
    const undone = results.map((r): BatchItemResult => (r.status === "Success" ? { operation: r.operation, uniqueBatchItemId: r.uniqueBatchItemId, status: "OperationUndone" } : r));
    await deps.audit.append(...undone.map(recordOf));
    return undone;
  }
}

function isRequestMessage(body: string): boolean {
  try {
    return (JSON.parse(body) as { tag?: unknown } | null)?.tag === "RequestMessage";
  } catch {
    return false;
  }
}
