/**
 * TLS client-certificate authentication (user = the certificate's subject CN, trimmed; a CN that is
 * not a valid user name is no identity) in front of the Bun.serve application.
 *
 * Why a front: Bun.serve (1.4) verifies client certificates (`tls.requestCert` + `ca`) but exposes
 * nothing of the peer certificate to the handler: no API on Request or Server (`requestIP` gives
 * the address only), and node:https request sockets lack `getPeerCertificate()`. node:tls servers
 * do expose it. So with --clients-ca-cert-file the public listener is a node:tls server (TLS 1.2+,
 * a certificate signed by the clients' CA is required), and each connection is piped to the
 * application listening in plain HTTP on a loopback port. The application learns the CN and the
 * client's real address and port (for the audit trail) from the source port of the piped connection
 * (`server.requestIP(request).port`), never from anything the client sends, so neither can be
 * forged through headers. A process on the same host connecting to
 * the loopback port directly has no mapped port, hence no certificate identity.
 */
import net from "node:net";
import tls from "node:tls";
import { userNameProblem } from "../auth/names.ts";
import { peerAddress } from "./audit.ts";

export interface MtlsFrontOptions {
  hostname: string;
  port: number;
  cert: string;
  /** TLS 1.2 cipher suites (OpenSSL syntax). */
  ciphers?: string;
  key: string;
  /** CA(s) that sign client certificates (PEM). */
  ca: string;
  /** The loopback port the application listens on. */
  backendPort: number;
  idleTimeoutSeconds: number;
}

export interface MtlsFront {
  port: number;
  /**
   * The client behind a piped connection (by its loopback source port): the subject CN of its
   * certificate (when it is a valid user name) and its real address and port.
   */
  peerOf(remote: { address: string; port: number } | null | undefined): { cn?: string; client: string } | undefined;
  close(): Promise<void>;
}

/** The CN as a user: exactly one, trimmed, a valid user name (not empty, no wildcard, no control character). */
export function subjectCn(socket: tls.TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const cn = socket.getPeerCertificate()?.subject?.CN as string | string[] | undefined;
  if (typeof cn !== "string") return undefined;
  const user = cn.trim();
  if (user.includes("*") || userNameProblem(user)) return undefined;
  return user;
}

export async function startMtlsFront(o: MtlsFrontOptions): Promise<MtlsFront> {
  const byPort = new Map<number, { cn?: string; client: string }>();
  const open = new Set<net.Socket>();
  const server = tls.createServer(
    {
      cert: o.cert,
      key: o.key,
      ca: o.ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: "TLSv1.2",
      ciphers: o.ciphers,
    },
    (socket) => {
      const peer = {
        cn: subjectCn(socket),
        client: peerAddress({ address: socket.remoteAddress ?? "?", port: socket.remotePort ?? 0 })!,
      };
      socket.setTimeout(o.idleTimeoutSeconds * 1000, () => socket.destroy());
      const upstream = net.connect(o.backendPort, "127.0.0.1");
      open.add(socket).add(upstream);
      let localPort: number | undefined;
      const cleanup = () => {
        if (localPort !== undefined && byPort.get(localPort) === peer) byPort.delete(localPort);
        open.delete(socket);
        open.delete(upstream);
        socket.destroy();
        upstream.destroy();
      };
      upstream.on("connect", () => {
        localPort = upstream.localPort;
        if (localPort !== undefined) byPort.set(localPort, peer);
        socket.pipe(upstream);
        upstream.pipe(socket);
      });
      socket.on("error", cleanup).on("close", cleanup);
      upstream.on("error", cleanup).on("close", cleanup);
    },
  );
  server.on("tlsClientError", () => {}); // refused handshakes (no/unknown certificate, TLS < 1.2)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.hostname, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    peerOf(remote) {
      if (!remote || (remote.address !== "127.0.0.1" && remote.address !== "::ffff:127.0.0.1")) return undefined;
      return byPort.get(remote.port);
    },
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of open) s.destroy();
      return closed;
    },
  };
}
