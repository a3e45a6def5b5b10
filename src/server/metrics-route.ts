/**
 * GET /metrics (Prometheus text format; off unless `--metrics` or `--metrics-token-file`),
 * GET /health/live (the process answers) and GET /health/ready (the database answers).
 *
 * With a metrics token, a scrape must send `Authorization: Bearer <token>`; the token is compared
 * through SHA-256 digests in constant time. The metrics endpoint is separate from the KMIP
 * authentication: a monitoring system needs no KMS account.
 */
import { createHash } from "node:crypto";
import { equalBytes } from "../crypto/bytes.ts";
import type { ObjectStore } from "../store/store.ts";
import { textResponse } from "./errors.ts";
import type { Metrics } from "./metrics.ts";

export interface MetricsOptions {
  metrics?: Metrics;
  /** The bearer token a scrape must present (none: open). */
  token?: string;
}

const digest = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());

export function metricsHandler(store: ObjectStore, options: MetricsOptions): (request: Request) => Promise<Response> {
  const expected = options.token ? digest(options.token) : undefined;
  return async (request) => {
    if (!options.metrics)
      return textResponse(
        404,
        "Not found: metrics are disabled (start the server with --metrics or --metrics-token-file)",
      );
    if (expected) {
      const m = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization")?.trim() ?? "");
      if (!m || !equalBytes(digest(m[1]), expected)) {
        return new Response("Authentication_Not_Successful: the metrics endpoint needs its bearer token", {
          status: 401,
          headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": "Bearer" },
        });
      }
    }
    return new Response(await options.metrics.render(store), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  };
}

export function liveHandler(): Response {
  return new Response(JSON.stringify({ status: "UP" }), {
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

export async function readyHandler(store: ObjectStore): Promise<Response> {
  const up = await store.healthy();
  return new Response(
    JSON.stringify({ status: up ? "UP" : "DOWN", dependencies: { database: { status: up ? "UP" : "DOWN" } } }),
    {
      status: up ? 200 : 503,
      headers: { "content-type": "application/json; charset=utf-8" },
    },
  );
}
