/**
 * The HTTP application (Elysia on Bun). Exported for tests: `createApp(...).handle(request)`.
 *
 * Routes: POST /kmip/2_1 (bare operations or RequestMessage), POST /kmip (RequestMessage),
 * GET /version, GET /health, and the /access routes. Bodies are read as text and decoded by our own
 * codec (house rule 5), so malformed input is a KMIP error, never Elysia's default answer.
 */
import { Elysia } from "elysia";
import { Authenticator, type CallerInfo } from "../auth/identity.ts";
import type { ObjectStore } from "../store/store.ts";
import type { OperationSettings } from "../operations/context.ts";
import { failureResponse, textResponse, toFailure } from "./errors.ts";
import { handleKmip } from "./kmip-route.ts";
import { grantAccess, listAccess, listObtained, listOwned, revokeAccess } from "./access-routes.ts";
import type { Logger } from "./log.ts";

export interface AppDeps {
  store: ObjectStore;
  settings: OperationSettings;
  log: Logger;
  auth: Authenticator;
  maxBodyBytes: number;
  /** Subject CN of the verified TLS client certificate of a request, when mTLS is on. */
  clientCertificateCn?: (request: Request) => string | undefined;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

export function createApp(deps: AppDeps) {
  const { store, log, auth } = deps;
  const requestId = () => crypto.randomUUID().slice(0, 8);

  async function caller(request: Request): Promise<string> {
    const info: CallerInfo = { authorization: request.headers.get("authorization"), certificateCn: deps.clientCertificateCn?.(request) };
    return auth.authenticate(info);
  }

  async function readBody(request: Request): Promise<string> {
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > deps.maxBodyBytes) throw new BodyTooLarge();
    const buffer = await request.arrayBuffer();
    if (buffer.byteLength > deps.maxBodyBytes) throw new BodyTooLarge();
    return new TextDecoder("utf-8", { fatal: false }).decode(buffer);
  }

  /** Runs a route; every failure becomes the one text error answer. */
  async function guarded(request: Request, run: (user: string, id: string) => Promise<Response>): Promise<Response> {
    const id = requestId();
    try {
      const user = await caller(request);
      return await run(user, id);
    } catch (e) {
      if (e instanceof BodyTooLarge) return textResponse(413, `Invalid_Message: the request body exceeds ${deps.maxBodyBytes} bytes`);
      return failureResponse(toFailure(e, log, id));
    }
  }

  const json = (value: unknown) => new Response(JSON.stringify(value), { headers: JSON_HEADERS });

  return new Elysia({ serve: { maxRequestBodySize: deps.maxBodyBytes + 1024 } })
    .onError(({ code, error }) => {
      if (code === "NOT_FOUND") return textResponse(404, "Not found: unknown route");
      log.error("http error", { code: String(code), error: error instanceof Error ? error.message : String(error) });
      return textResponse(code === "PARSE" ? 400 : 500, code === "PARSE" ? "Invalid_Message: unreadable request" : "General_Failure: internal error");
    })
    .post("/kmip/2_1", ({ request }) => guarded(request, async (user, id) => handleKmip(await readBody(request), user, deps, id, false)), { parse: "none" })
    .post("/kmip", ({ request }) => guarded(request, async (user, id) => handleKmip(await readBody(request), user, deps, id, true)), { parse: "none" })
    .get("/version", () => json(deps.settings.version))
    .get("/health", async () => {
      const up = await store.healthy();
      return new Response(JSON.stringify({ status: up ? "UP" : "DOWN", dependencies: { database: { name: "sqlite", status: up ? "UP" : "DOWN" } } }), {
        status: up ? 200 : 503,
        headers: JSON_HEADERS,
      });
    })
    .post("/access/grant", ({ request }) => guarded(request, async (user) => json(await grantAccess(store, user, await readBody(request)))), { parse: "none" })
    .post("/access/revoke", ({ request }) => guarded(request, async (user) => json(await revokeAccess(store, user, await readBody(request)))), { parse: "none" })
    .get("/access/list/*", ({ request, params }) => guarded(request, async (user) => json(await listAccess(store, user, decodeURIComponent(params["*"])))))
    .get("/access/owned", ({ request }) => guarded(request, async (user) => json(await listOwned(store, user))))
    .get("/access/obtained", ({ request }) => guarded(request, async (user) => json(await listObtained(store, user))))
    .get("/me", ({ request }) => guarded(request, async (user) => json({ user })));
}

class BodyTooLarge extends Error {}
