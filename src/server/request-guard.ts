/**
 * Refuses requests a web browser can be tricked into sending (cross-site request forgery) or
 * pointed at us through a hostile DNS name (DNS rebinding). Checked before any route runs.
 *
 * Always: a request carrying an `Origin` header (browsers send it on cross-origin requests and on
 * every POST) is refused unless that origin is this server itself (same host and port as `Host`);
 * `Origin: null` (sandboxed frames, file: pages) is refused. KMIP clients do not send Origin.
 *
 * Without authentication, where any page could otherwise act as the default user:
 * - when listening on loopback (the only place allowed without an explicit insecure switch), `Host`
 *   must be `localhost`, `127.0.0.1` or `[::1]` with this server's port: a DNS name an attacker
 *   points at 127.0.0.1 arrives with the attacker's name in `Host` and is refused;
 * - a POST body must be `application/json` or `application/octet-stream`: the types a page can send
 *   cross-site without a CORS preflight (text/plain, forms, multipart) are refused.
 */
export interface Refusal {
  response: Response;
  /** For the audit record. */
  reason: string;
  why: string;
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);
const ALLOWED_TYPES = new Set(["application/json", "application/octet-stream"]);

const refuse = (status: number, reason: string, why: string): Refusal => ({
  // Connection: close, since the body (maybe still arriving, maybe never) is not read
  response: new Response(`${reason}: ${why}`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
  }),
  reason,
  why,
});

/** Splits `name[:port]` (IPv6 in brackets), lower-cased. */
function splitHost(host: string): { name: string; port?: string } {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(host.trim());
  return m ? { name: m[1].toLowerCase(), port: m[2] } : { name: "" };
}

export interface GuardOptions {
  authenticated: boolean;
  /** The server listens on a loopback address. */
  loopback: boolean;
  /** The port clients connect to. */
  port: () => number;
}

export function requestGuard(o: GuardOptions) {
  return (request: Request): Refusal | undefined => {
    const host = request.headers.get("host") ?? "";
    const origin = request.headers.get("origin");
    if (origin !== null) {
      let originHost: string | undefined;
      try {
        const u = new URL(origin);
        originHost = u.protocol === "http:" || u.protocol === "https:" ? u.host.toLowerCase() : undefined;
      } catch {
        originHost = undefined;
      }
      if (originHost === undefined || originHost !== host.trim().toLowerCase()) {
        return refuse(
          403,
          "Permission_Denied",
          `cross-origin requests are refused (Origin ${JSON.stringify(origin.slice(0, 100))} is not this server)`,
        );
      }
    }
    if (o.authenticated) return undefined;
    const { name, port } = splitHost(host);
    const ours = String(o.port());
    const portOk = port === ours || (port === undefined && (ours === "80" || ours === "443"));
    if (o.loopback && (!LOOPBACK_NAMES.has(name) || !portOk)) {
      return refuse(
        403,
        "Permission_Denied",
        `unexpected Host ${JSON.stringify(host.slice(0, 100))}: without authentication this server only answers localhost, 127.0.0.1 or [::1] on port ${ours}`,
      );
    }
    if (request.method === "POST") {
      const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
      if (!ALLOWED_TYPES.has(type)) {
        return refuse(
          415,
          "Invalid_Message",
          `Content-Type ${JSON.stringify(type || "(none)")} is refused: send application/json (or application/octet-stream)`,
        );
      }
    }
    return undefined;
  };
}
