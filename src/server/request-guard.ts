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

/** A Host header naming a loopback address with our port, in any spelling (case, spaces, no port on 80/443). */
function loopbackHostParsed(host: string, ours: string): boolean {
  const { name, port } = splitHost(host);
  const portOk = port === ours || (port === undefined && (ours === "80" || ours === "443"));
  return LOOPBACK_NAMES.has(name) && portOk;
}

export interface GuardOptions {
  authenticated: boolean;
  /** The server listens on a loopback address. */
  loopback: boolean;
  /** The port clients connect to. */
  port: () => number;
}

/** Content-Type values clients send, accepted without parsing (the rest are parsed). */
const COMMON_TYPES = new Set([
  "application/json",
  "application/json; charset=utf-8",
  "application/json;charset=utf-8",
  "application/octet-stream",
]);

export function requestGuard(o: GuardOptions) {
  // Host values accepted at once on loopback (every request checks them): `name:port` as clients send it.
  let knownPort = "";
  let loopbackHosts = new Set<string>();
  const isLoopbackHost = (host: string, ours: string) => {
    if (ours !== knownPort) {
      knownPort = ours;
      loopbackHosts = new Set([...LOOPBACK_NAMES].map((name) => `${name}:${ours}`));
    }
    return loopbackHosts.has(host);
  };
  return (request: Request): Refusal | undefined => {
    const headers = request.headers;
    const host = headers.get("host") ?? "";
    const origin = headers.get("origin");
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
    const ours = String(o.port());
    if (o.loopback && !isLoopbackHost(host, ours) && !loopbackHostParsed(host, ours)) {
      return refuse(
        403,
        "Permission_Denied",
        `unexpected Host ${JSON.stringify(host.slice(0, 100))}: without authentication this server only answers localhost, 127.0.0.1 or [::1] on port ${ours}`,
      );
    }
    if (request.method === "POST") {
      const raw = headers.get("content-type") ?? "";
      const type = COMMON_TYPES.has(raw) ? undefined : raw.split(";")[0].trim().toLowerCase();
      if (type !== undefined && !ALLOWED_TYPES.has(type)) {
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
