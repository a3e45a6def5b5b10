/**
 * The one mapping from errors to the wire.
 *
 * A KmipError is the client's: its reason and message are sent. Anything else is an internal fault:
 * logged with its cause under a request id, answered General_Failure with a generic message.
 * Bare operations answer an HTTP status and a one-line text body `<Reason>: <message>` (what
 * cloudproof_kms_js shows its callers): 422 for KMIP failures, 401 unauthenticated, 403 forbidden,
 * 503 (with Retry-After) when the server is too busy to take the request now or its database is
 * unavailable.
 */
import { KmipError, type ResultReason } from "../kmip/error.ts";
import type { Logger } from "./log.ts";

export interface Failure {
  status: number;
  reason: ResultReason;
  message: string;
}

const STATUS = { client: 422, unauthenticated: 401, forbidden: 403, busy: 503, unavailable: 503 } as const;

export function toFailure(e: unknown, log: Logger, requestId: string): Failure {
  if (e instanceof KmipError) {
    // The operator must see why the database is unavailable; the client only that it is.
    if (e.kind === "unavailable")
      log.warn("database unavailable", {
        requestId,
        error: e.cause instanceof Error ? e.cause.message : String(e.cause ?? e.message),
      });
    return { status: STATUS[e.kind], reason: e.reason, message: e.message };
  }
  log.error("internal error", {
    requestId,
    error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    stack: e instanceof Error ? e.stack : undefined,
  });
  return { status: 500, reason: "General_Failure", message: `internal error (request ${requestId})` };
}

export function textResponse(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export function failureResponse(f: Failure): Response {
  const response = textResponse(f.status, `${f.reason}: ${f.message}`);
  if (f.status === 503) response.headers.set("retry-after", "1");
  return response;
}
