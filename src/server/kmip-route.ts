/**
 * POST /kmip/2_1 and POST /kmip: body -> decode -> dispatch -> encode.
 *
 * A bare operation answers its bare `<Op>Response` (200) or a text error with a 4xx status.
 * A RequestMessage always answers a ResponseMessage (200) with one result per batch item; a failed
 * item does not stop the others unless BatchErrorContinuationOption says Stop or Undo. With Undo,
 * the whole batch runs in one transaction and a failure rolls every earlier item back.
 *
 * Limits: a RequestMessage carries at most `maxBatchItems` items (Server_Limit_Exceeded), and the
 * answer stops growing at `maxResponseBytes`: the item that would pass it, and every later one, fail
 * with Response_Too_Large instead of being run. Heavy work runs on the worker pool and is abandoned
 * when the client disconnects.
 */
import { KmipError } from "../kmip/error.ts";
import {
  decodeRequest,
  encodeBatchItem,
  encodeOperationResponseBody,
  encodeResponseMessage,
  responseMessageFrame,
  type BatchItemResult,
  type DecodedRequest,
} from "../kmip/wire.ts";
import { decodeBinaryRequest, encodeBinaryResponseParts, type DecodedMessage } from "../kmip/wire-binary.ts";
import { concatBytes, utf8 } from "../crypto/bytes.ts";
import { dispatch, isReadOnly } from "../operations/dispatch.ts";
import type { OperationContext, OperationSettings } from "../operations/context.ts";
import type { ObjectStore } from "../store/store.ts";
import { failureResponse, toFailure } from "./errors.ts";
import type { Logger } from "./log.ts";
import { AuditUnavailable, objectIdOf, type AuditFields, type AuditSink } from "./audit.ts";
import { withHeavyContext, type WorkerPool } from "../operations/common/heavy.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { Metrics } from "./metrics.ts";

export interface KmipDeps {
  store: ObjectStore;
  settings: OperationSettings;
  log: Logger;
  audit: AuditSink;
  pool: WorkerPool;
  limits: KmipLimits;
  metrics?: Metrics;
}

export interface KmipLimits {
  maxBatchItems: number;
  maxResponseBytes: number;
}

/** dispatch(), timed and counted (by operation and result) when metrics are on. */
async function run(
  operation: string,
  payload: Parameters<typeof dispatch>[1],
  ctx: OperationContext,
  metrics: Metrics | undefined,
) {
  if (!metrics) return dispatch(operation, payload, ctx);
  const start = performance.now();
  try {
    const result = await dispatch(operation, payload, ctx);
    metrics.observe(operation, "Success", (performance.now() - start) / 1000);
    return result;
  } catch (e) {
    metrics.observe(
      operation,
      e instanceof KmipError ? e.reason : "General_Failure",
      (performance.now() - start) / 1000,
    );
    throw e;
  }
}

/** Who sent the request, for the audit trail. */
export interface RequestInfo {
  requestId: string;
  user: string;
  client?: string;
  /** Aborts when the client goes away. */
  signal?: AbortSignal;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

const recordOf =
  (info: RequestInfo) =>
  (operation: string, result: string, objectId?: string): AuditFields => ({
    requestId: info.requestId,
    user: info.user,
    client: info.client,
    operation,
    objectId,
    result,
  });

export function handleKmip(body: string, info: RequestInfo, deps: KmipDeps, messagesOnly: boolean): Promise<Response> {
  return deps.audit.track(() => withHeavyContext(deps.pool, info.signal, () => handle(body, info, deps, messagesOnly)));
}

async function handle(body: string, info: RequestInfo, deps: KmipDeps, messagesOnly: boolean): Promise<Response> {
  const { user, requestId } = info;
  const record = recordOf(info);
  let request: DecodedRequest;
  try {
    if (!/^\s*\{/.test(body)) {
      throw new KmipError(
        "Invalid_Message",
        "the body must be a JSON TTLV object (JWE-encrypted bodies are not supported)",
      );
    }
    request = decodeRequest(body, deps.limits.maxBatchItems);
  } catch (e) {
    const f = toFailure(e, deps.log, requestId);
    await deps.audit.append(record("(undecodable request)", f.reason));
    // A RequestMessage is answered by a ResponseMessage even when it cannot be read (as Cosmian).
    if (!messagesOnly && !isRequestMessage(body)) return failureResponse(f);
    const results: BatchItemResult[] = [{ status: "OperationFailed", reason: f.reason, message: f.message }];
    return new Response(encodeResponseMessage({ major: 2, minor: 1 }, results, "kmip-v5"), { headers: JSON_HEADERS });
  }
  if (request.kind === "operation" && messagesOnly) {
    return failureResponse({
      status: 422,
      reason: "Invalid_Message",
      message: "POST /kmip takes a RequestMessage; send bare operations to /kmip/2_1",
    });
  }
  // Nothing that changes state runs unless the trail can say it is about to (file trail; the database
  // trail records in the operation's transaction). A read-only request is recorded once, before its answer.
  const readOnly = readOnlyRequest(request);
  if (!readOnly) {
    const operations =
      request.kind === "operation" ? request.operation : request.items.map((i) => i.operation).join(",");
    await deps.audit.intent(
      record(operations, "Pending", request.kind === "operation" ? objectIdOf(request.payload) : undefined),
    );
  }
  if (request.kind === "operation") {
    const ctx: OperationContext = {
      wire: request.dialect,
      user,
      store: deps.store,
      settings: deps.settings,
      log: deps.log,
    };
    const { operation, payload: input } = request;
    let payload;
    try {
      payload = await deps.audit.committed(
        () => run(operation, input, ctx, deps.metrics),
        (out) => [record(operation, "Success", objectIdOf(input, out))],
        readOnly,
      );
      const size = estimatedSize(payload);
      if (size > deps.limits.maxResponseBytes) {
        throw new KmipError(
          "Response_Too_Large",
          `${operation}: the answer would be about ${size} bytes; this server sends at most ${deps.limits.maxResponseBytes}`,
        );
      }
    } catch (e) {
      if (e instanceof AuditUnavailable) throw e;
      const f = toFailure(e, deps.log, requestId);
      deps.log.debug("kmip", { requestId, user, op: operation, result: f.reason });
      const failed = record(operation, f.reason, objectIdOf(input));
      if (readOnly) await deps.audit.failedReadOnly(failed);
      else await deps.audit.append(failed);
      return failureResponse(f);
    }
    deps.log.debug("kmip", { requestId, user, op: operation, result: "Success" });
    const answer = encodeOperationResponseBody(operation, payload, request.dialect);
    return new Response(answer as string | Uint8Array<ArrayBuffer>, { headers: JSON_HEADERS });
  }
  const results = await runBatch(request, user, deps, requestId, record, readOnly);
  // Encoded item by item, letting other requests in between every megabyte or so. A large answer
  // is streamed part by part (chunked): copying tens of megabytes into one buffer would stall.
  const [head, tail] = responseMessageFrame(request.protocolVersion, results.length, request.dialect);
  const parts: (string | Uint8Array)[] = [head];
  let total = 0;
  let sinceYield = 0;
  for (const [i, r] of results.entries()) {
    const item = encodeBatchItem(r, request.dialect); // bytes when it holds a large ByteString
    parts.push(...(i > 0 ? [",", item] : [item]));
    total += item.length;
    if ((sinceYield += item.length) > YIELD_EVERY_BYTES) (sinceYield = 0), await yieldToEventLoop();
  }
  parts.push(tail);
  if (total <= YIELD_EVERY_BYTES) {
    const body = parts.every((p) => typeof p === "string")
      ? parts.join("")
      : concatBytes(...parts.map((p) => (typeof p === "string" ? utf8.encode(p) : p)));
    return new Response(body as string | Uint8Array<ArrayBuffer>, { headers: JSON_HEADERS });
  }
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[next++];
      if (part === undefined) controller.close();
      else controller.enqueue(typeof part === "string" ? utf8.encode(part) : part);
    },
  });
  return new Response(stream, { headers: JSON_HEADERS });
}

/**
 * A binary TTLV RequestMessage (KMIP 2.1 §9.1), from POST /kmip or the TLS socket server: the same
 * batch run, authorization and audit trail as the JSON routes, answered by a binary ResponseMessage
 * in the request's protocol version. An unreadable message is answered by a ResponseMessage with
 * one failed item (KMIP 2.1 §7.1), never by a closed connection or a stack trace. When the audit
 * trail cannot record the request, nothing runs and every item fails with General_Failure. The
 * answer comes in parts (large ByteStrings on their own, not copied into one buffer).
 */
export function handleKmipBinary(
  body: Uint8Array,
  info: RequestInfo,
  deps: KmipDeps,
  maxBytes?: number,
): Promise<Uint8Array[]> {
  return deps.audit.track(() =>
    withHeavyContext(deps.pool, info.signal, () => handleBinary(body, info, deps, maxBytes)),
  );
}

async function handleBinary(
  body: Uint8Array,
  info: RequestInfo,
  deps: KmipDeps,
  maxBytes?: number,
): Promise<Uint8Array[]> {
  const { user, requestId } = info;
  const record = recordOf(info);
  let request: DecodedMessage;
  try {
    request = decodeBinaryRequest(body, { maxBytes });
    if (request.items.length > deps.limits.maxBatchItems) {
      throw new KmipError(
        "Server_Limit_Exceeded",
        `/RequestMessage: more than ${deps.limits.maxBatchItems} batch items; this server takes at most ${deps.limits.maxBatchItems} per message`,
      );
    }
  } catch (e) {
    const f = toFailure(e, deps.log, requestId);
    await deps.audit.append(record("(undecodable request)", f.reason));
    return encodeBinaryResponseParts({ major: 2, minor: 1 }, [
      { status: "OperationFailed", reason: f.reason, message: f.message },
    ]);
  }
  let results: BatchItemResult[];
  try {
    const readOnly = readOnlyRequest(request);
    if (!readOnly) await deps.audit.intent(record(request.items.map((i) => i.operation).join(","), "Pending"));
    results = await runBatch(request, user, deps, requestId, record, readOnly, { byteKeyFormats: true });
  } catch (e) {
    if (!(e instanceof AuditUnavailable)) throw e;
    deps.log.error("request refused: the audit trail cannot be written", { requestId });
    const message = `the audit trail cannot be written, so the request was not run (request ${requestId})`;
    return encodeBinaryResponseParts(
      request.protocolVersion,
      request.items.map((i) => ({
        operation: i.operation,
        uniqueBatchItemId: i.uniqueBatchItemId,
        status: "OperationFailed",
        reason: "General_Failure",
        message,
      })),
    );
  }
  try {
    return encodeBinaryResponseParts(request.protocolVersion, results, request.items);
  } catch (e) {
    // an answer with no binary form (a value outside the tag or enumeration tables): say so, in binary
    const f = toFailure(e, deps.log, requestId);
    const failed = results.map(
      (r): BatchItemResult => ({
        operation: r.operation,
        uniqueBatchItemId: r.uniqueBatchItemId,
        status: "OperationFailed",
        reason: f.reason,
        message: `the answer cannot be encoded in binary TTLV: ${f.message}`,
      }),
    );
    return encodeBinaryResponseParts(request.protocolVersion, failed);
  }
}

/** Long batches hand the event loop back to other requests after about this much work. */
const YIELD_EVERY_BYTES = 1 << 20;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

class BatchAborted extends Error {}

type RecordOf = (operation: string, result: string, objectId?: string) => AuditFields;

/** Each item is audited: on its own (Continue, Stop), or with the whole batch in one transaction (Undo). */
async function runBatch(
  request: DecodedMessage,
  user: string,
  deps: KmipDeps,
  requestId: string,
  record: RecordOf,
  readOnly: boolean,
  options: Pick<OperationContext, "byteKeyFormats"> = {},
): Promise<BatchItemResult[]> {
  const ctx: OperationContext = {
    wire: request.dialect,
    user,
    store: deps.store,
    settings: deps.settings,
    log: deps.log,
    ...options,
  };
  const mode = request.batchErrorContinuation ?? "Continue";
  const recordOf = (r: BatchItemResult, i: number) =>
    record(
      r.operation ?? "?",
      r.status === "Success" ? "Success" : r.status === "OperationUndone" ? "Undone" : (r.reason ?? "OperationFailed"),
      objectIdOf(request.items[i]?.payload, r.payload),
    );
  const results: BatchItemResult[] = [];
  const { maxResponseBytes } = deps.limits;
  // A read-only batch had no intent record: a failed item's answer waits for its record like a
  // success would, and when it cannot be written the whole answer is withheld (AuditUnavailable).
  const recordFailure = (...fields: AuditFields[]) =>
    readOnly ? deps.audit.failedReadOnly(...fields) : deps.audit.append(...fields);
  const runItems = async () => {
    results.length = 0; // the store may run a transaction again (after a deadlock): start afresh
    let failed = false;
    let size = 0;
    let sinceYield = 0;
    for (const [i, item] of request.items.entries()) {
      if (size - sinceYield > YIELD_EVERY_BYTES || i % 64 === 63) (sinceYield = size), await yieldToEventLoop();
      const base = { operation: item.operation, uniqueBatchItemId: item.uniqueBatchItemId };
      if (size > maxResponseBytes) {
        results.push({
          ...base,
          status: "OperationFailed",
          reason: "Response_Too_Large",
          message: `not processed: the answer reached this server's limit of ${maxResponseBytes} bytes`,
        });
        failed = true;
        continue;
      }
      if (failed && mode !== "Continue") {
        results.push({
          ...base,
          status: "OperationFailed",
          reason: "Operation_Canceled_By_Requester",
          message: `not processed: an earlier batch item failed (BatchErrorContinuationOption ${mode})`,
        });
        if (mode !== "Undo") await recordFailure(recordOf(results[i], i));
        continue;
      }
      try {
        const exec = () => run(item.operation, item.payload, ctx, deps.metrics);
        const payload =
          mode === "Undo"
            ? await exec()
            : await deps.audit.committed(
                exec,
                (out) => [recordOf({ ...base, status: "Success", payload: out }, i)],
                readOnly,
              );
        size += estimatedSize(payload);
        if (size > maxResponseBytes) {
          throw new KmipError(
            "Response_Too_Large",
            `${item.operation}: the answer would exceed this server's limit of ${maxResponseBytes} bytes`,
          );
        }
        results.push({ ...base, status: "Success", payload });
        deps.log.debug("kmip", { requestId, user, op: item.operation, result: "Success" });
      } catch (e) {
        const f =
          e instanceof AuditUnavailable
            ? { reason: "General_Failure" as const, message: `not run: ${e.message}` }
            : toFailure(e, deps.log, requestId);
        results.push({ ...base, status: "OperationFailed", reason: f.reason, message: f.message });
        failed = true;
        deps.log.debug("kmip", { requestId, user, op: item.operation, result: f.reason });
        if (mode !== "Undo" && !(e instanceof AuditUnavailable)) await recordFailure(recordOf(results[i], i));
      }
    }
    if (mode === "Undo" && failed) throw new BatchAborted();
    return results;
  };
  if (mode !== "Undo") return runItems();
  try {
    return await deps.audit.committed(
      () => deps.store.atomic(runItems),
      (all) => all.map(recordOf),
      readOnly,
    );
  } catch (e) {
    if (!(e instanceof BatchAborted)) throw e;
    const undone = results.map(
      (r): BatchItemResult =>
        r.status === "Success"
          ? { operation: r.operation, uniqueBatchItemId: r.uniqueBatchItemId, status: "OperationUndone" }
          : r,
    );
    await recordFailure(...undone.map(recordOf));
    return undone;
  }
}

/** Every operation of the request changes nothing but its answer. */
const readOnlyRequest = (request: DecodedRequest | DecodedMessage): boolean =>
  "items" in request ? request.items.every((i) => isReadOnly(i.operation)) : isReadOnly(request.operation);

function isRequestMessage(body: string): boolean {
  if (/^\s*\{\s*"tag"\s*:\s*"RequestMessage"/.test(body)) return true;
  try {
    return (JSON.parse(body) as { tag?: unknown } | null)?.tag === "RequestMessage";
  } catch {
    return false;
  }
}

/**
 * An upper estimate of the JSON TTLV size of a payload (bytes are sent as hex, each node carries
 * its tag and type), cheap enough to compute for every batch item.
 */
export function estimatedSize(value: unknown): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    total += 64;
    if (v instanceof Uint8Array) total += 2 * v.length;
    else if (typeof v === "string") total += 2 * v.length;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v instanceof Date || v === null || typeof v !== "object") continue;
    else
      for (const k in v as KmipRecord) {
        total += k.length;
        stack.push((v as KmipRecord)[k]);
      }
  }
  return total;
}
