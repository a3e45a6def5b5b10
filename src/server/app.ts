/**
 * The HTTP application (Elysia; served by Bun.serve or Deno.serve through src/runtime/). Exported for tests: `createApp(...).handle(request)`.
 *
 * Routes: POST /kmip/2_1 (bare operations or RequestMessage), POST /kmip (RequestMessage); both
 * also take a binary TTLV RequestMessage as application/octet-stream and answer in binary;
 * GET /version, GET /health (and /health/live, /health/ready), GET /metrics, and the /access routes. Bodies are read as text and decoded by our own
 * codec, so malformed input is a KMIP error, never Elysia's default answer. Before any route,
 * request-guard.ts refuses what a browser could be tricked into sending (cross-site requests, DNS
 * rebinding).
 */
import { Elysia } from "elysia";
import { isDeno } from "../runtime/index.ts";
import { KmipError } from "../kmip/error.ts";
import { concatParts } from "../kmip/ttlv-binary.ts";
import type { Authenticator, CallerInfo } from "../auth/identity.ts";
import type { ObjectStore } from "../store/store.ts";
import type { OperationSettings } from "../operations/context.ts";
import type { WorkerPool } from "../operations/common/heavy.ts";
import type { KmipLimits } from "./kmip-route.ts";
import { failureResponse, textResponse, toFailure } from "./errors.ts";
import { handleKmip, handleKmipBinary } from "./kmip-route.ts";
import { grantAccess, listAccess, listObtained, listOwned, revokeAccess } from "./access-routes.ts";
import type { Logger } from "./log.ts";
import { AuditUnavailable, peerAddress, type AuditFields, type AuditSink } from "./audit.ts";
import { requestGuard } from "./request-guard.ts";
import type { Metrics } from "./metrics.ts";
import { liveHandler, metricsHandler, readyHandler } from "./metrics-route.ts";

export interface AppDeps {
  audit: AuditSink;
  store: ObjectStore;
  settings: OperationSettings;
  log: Logger;
  auth: Authenticator;
  maxBodyBytes: number;
  /**
   * Under mTLS: the subject CN of the verified client certificate and the real client address
   * (`host:port`) behind a request, as the TLS front saw them; undefined for a connection that did
   * not come through the front.
   */
  mtlsPeer?: (request: Request) => { cn?: string; client: string } | undefined;
  /** The socket peer of a request (the runtime's server); without it, Elysia's `server.requestIP`. */
  requestIP?: (request: Request) => { address: string; port: number } | null;
  /** What request-guard.ts needs beyond the authenticator: does the server listen on loopback, on which port. */
  listening: { loopback: boolean; port: () => number };
  /** Threads for CPU-heavy operations. */
  pool: WorkerPool;
  limits: KmipLimits;
  /** Request metrics; GET /metrics serves them when set. */
  metrics?: Metrics;
  /** Bearer token GET /metrics requires (none: open). */
  metricsToken?: string;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

type Server = { requestIP(r: Request): { address: string; port: number } | null } | null;

export function createApp(deps: AppDeps) {
  const { store, log, auth } = deps;
  const requestId = () => crypto.randomUUID().slice(0, 8);

  async function caller(request: Request): Promise<string> {
    const info: CallerInfo = {
      authorization: request.headers.get("authorization"),
      certificateCn: deps.mtlsPeer?.(request)?.cn,
    };
    return auth.authenticate(info);
  }

  /** A binary TTLV body (KMIP 2.1 §9.1) is sent as application/octet-stream. */
  const isBinary = (request: Request) =>
    /^application\/octet-stream\s*(;|$)/i.test(request.headers.get("content-type") ?? "");

  async function readBinaryBody(request: Request): Promise<Uint8Array> {
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > deps.maxBodyBytes) throw new BodyTooLarge();
    const bytes = isDeno ? await boundedBytes(request, deps.maxBodyBytes) : await request.bytes();
    if (bytes.length > deps.maxBodyBytes) throw new BodyTooLarge();
    return bytes;
  }

  /** POST /kmip and /kmip/2_1: JSON TTLV, or binary TTLV answered in binary. */
  async function kmip(
    request: Request,
    who: { user: string; requestId: string; client?: string },
    messagesOnly: boolean,
  ): Promise<Response> {
    const info = { ...who, signal: request.signal }; // heavy work is abandoned when the client goes away
    if (isBinary(request)) {
      const parts = await handleKmipBinary(await readBinaryBody(request), info, deps, deps.maxBodyBytes);
      // a large answer is sent from its parts (Bun: one copy into the Blob, none into a message
      // buffer); Deno sends a Blob chunked, so it gets the joined bytes and a Content-Length
      const answer = parts.length === 1 || isDeno ? concatParts(parts) : new Blob(parts as Uint8Array<ArrayBuffer>[]);
      return new Response(answer as Uint8Array<ArrayBuffer> | Blob, {
        headers: { "content-type": "application/octet-stream" },
      });
    }
    return handleKmip(await readBody(request), info, deps, messagesOnly);
  }

  async function readBody(request: Request): Promise<string> {
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > deps.maxBodyBytes) throw new BodyTooLarge();
    // Bodies without a length (chunked) are bounded by Bun's maxRequestBodySize (set from the same
    // limit); Deno.serve has none, so the stream is read with the bound (boundedText).
    const text = isDeno
      ? new TextDecoder().decode(await boundedBytes(request, deps.maxBodyBytes))
      : await request.text();
    if (text.length > deps.maxBodyBytes) throw new BodyTooLarge();
    return text;
  }

  /**
   * Runs a route; every failure becomes the one text error answer. Failed authentications and the
   * /access routes are audited here; KMIP operations are audited per operation in kmip-route.ts.
   */
  async function guarded(
    request: Request,
    client: string | undefined,
    operation: string,
    run: (user: string, id: string) => Promise<Response>,
  ): Promise<Response> {
    const id = requestId();
    const metrics = deps.metrics;
    if (metrics) {
      metrics.inFlight++;
      const response = await guardedRun(request, client, operation, run, id).finally(() => metrics.inFlight--);
      metrics.observeHttp(operation, response.status);
      return response;
    }
    return guardedRun(request, client, operation, run, id);
  }

  async function guardedRun(
    request: Request,
    client: string | undefined,
    operation: string,
    run: (user: string, id: string) => Promise<Response>,
    id: string,
  ): Promise<Response> {
    let user = "-";
    const record = (result: string): AuditFields => ({ requestId: id, user, client, operation, result });
    try {
      user = await caller(request);
      if (operation === "kmip") return await run(user, id);
      await deps.audit.intent(record("Pending"));
      return await deps.audit.committed(
        () => run(user, id),
        () => [record("Success")],
      );
    } catch (e) {
      if (e instanceof AuditUnavailable) {
        log.error("request refused: the audit trail cannot be written", { requestId: id });
        return textResponse(
          503,
          `General_Failure: the audit trail cannot be written, so the request was not run (request ${id})`,
        );
      }
      const failure = e instanceof BodyTooLarge ? undefined : toFailure(e, log, id);
      await deps.audit.append(record(failure?.reason ?? "Body_Too_Large"));
      if (!failure) return textResponse(413, `Invalid_Message: the request body exceeds ${deps.maxBodyBytes} bytes`);
      return failureResponse(failure);
    }
  }
  /** The client's address and port: the TLS front's peer under mTLS, else the socket's. */
  const ip = (server: Server, request: Request) =>
    deps.mtlsPeer?.(request)?.client ??
    peerAddress((deps.requestIP ?? ((r: Request) => server?.requestIP(r)))(request));
  const guard = requestGuard({ authenticated: auth.enabled, ...deps.listening });

  const json = (value: unknown) => new Response(JSON.stringify(value), { headers: JSON_HEADERS });
  const serveMetrics = metricsHandler(store, { metrics: deps.metrics, token: deps.metricsToken });

  return new Elysia({ serve: { maxRequestBodySize: deps.maxBodyBytes + 1024 } })
    .onRequest(({ request, server }) => {
      const refused = guard(request);
      if (!refused) return;
      const client = ip(server as Server, request);
      log.warn("request refused", { client, path: new URL(request.url).pathname, why: refused.why });
      void deps.audit.append({
        requestId: requestId(),
        user: "-",
        client,
        operation: new URL(request.url).pathname,
        result: refused.reason,
      });
      return refused.response;
    })
    .onError(({ code, error }) => {
      if (code === "NOT_FOUND") return textResponse(404, "Not found: unknown route");
      log.error("http error", { code: String(code), error: error instanceof Error ? error.message : String(error) });
      return textResponse(
        code === "PARSE" ? 400 : 500,
        code === "PARSE" ? "Invalid_Message: unreadable request" : "General_Failure: internal error",
      );
    })
    .post(
      "/kmip/2_1",
      ({ request, server }) => {
        const client = ip(server, request);
        return guarded(request, client, "kmip", async (user, requestId) =>
          kmip(request, { user, requestId, client }, false),
        );
      },
      { parse: "none" },
    )
    .post(
      "/kmip",
      ({ request, server }) => {
        const client = ip(server, request);
        return guarded(request, client, "kmip", async (user, requestId) =>
          kmip(request, { user, requestId, client }, true),
        );
      },
      { parse: "none" },
    )
    .get("/version", () => json(deps.settings.version))
    .get("/metrics", ({ request }) => serveMetrics(request))
    .get("/health/live", () => liveHandler())
    .get("/health/ready", () => readyHandler(store))
    .get("/health", async () => {
      const up = await store.healthy();
      return new Response(
        JSON.stringify({
          status: up ? "UP" : "DOWN",
          dependencies: { database: { name: store.kind, status: up ? "UP" : "DOWN" } },
        }),
        {
          status: up ? 200 : 503,
          headers: JSON_HEADERS,
        },
      );
    })
    .post(
      "/access/grant",
      ({ request, server }) =>
        guarded(request, ip(server, request), "access/grant", async (user) =>
          json(await grantAccess(store, user, await readBody(request))),
        ),
      { parse: "none" },
    )
    .post(
      "/access/revoke",
      ({ request, server }) =>
        guarded(request, ip(server, request), "access/revoke", async (user) =>
          json(await revokeAccess(store, user, await readBody(request))),
        ),
      { parse: "none" },
    )
    .get("/access/list/*", ({ request, params, server }) =>
      guarded(request, ip(server, request), "access/list", async (user) =>
        json(await listAccess(store, user, pathParameter(params["*"]))),
      ),
    )
    .get("/access/owned", ({ request, server }) =>
      guarded(request, ip(server, request), "access/owned", async (user) => json(await listOwned(store, user))),
    )
    .get("/access/obtained", ({ request, server }) =>
      guarded(request, ip(server, request), "access/obtained", async (user) => json(await listObtained(store, user))),
    )
    .get("/me", ({ request, server }) => guarded(request, ip(server, request), "me", async (user) => json({ user })));
}

class BodyTooLarge extends Error {}

/** The body, refused (BodyTooLarge) as soon as it exceeds `max` bytes, whatever its framing. */
async function boundedBytes(request: Request, max: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A percent-encoded path segment; a malformed encoding is the client's error, not ours. */
function pathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new KmipError("Invalid_Field", "the object id in the path is not valid percent-encoding");
  }
}
