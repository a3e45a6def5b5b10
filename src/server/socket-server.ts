/**
 * The KMIP socket server: binary TTLV over mutually authenticated TLS (KMIP 2.1 §9.1, KMIP Profiles
 * "TLS client and server authentication"; IANA port 5696), Cosmian's `--socket-server-*` options.
 *
 * A client certificate signed by the clients' CA is required; the user is its subject CN, exactly
 * as on HTTPS (mtls-front.ts, auth/identity.ts). A connection carries any number of requests, one
 * after the other: the 8-byte TTLV header of a RequestMessage gives its length, the whole message
 * is read, run through the same pipeline as POST /kmip (kmip-route.ts: dispatch, rights, audit) and
 * answered by one ResponseMessage. Limits: the message size (the HTTP body limit), an idle timeout,
 * and a bound on open connections. A header that cannot start a message is answered with an
 * Invalid_Message ResponseMessage and only that connection is closed (the stream cannot be resynchronised).
 */
import type net from "node:net";
import tls from "node:tls";
import type { Authenticator } from "../auth/identity.ts";
import { KmipError } from "../kmip/error.ts";
import { binaryMessageLength, concatParts } from "../kmip/ttlv-binary.ts";
import { encodeBinaryResponse } from "../kmip/wire-binary.ts";
import { peerAddress } from "./audit.ts";
import { toFailure } from "./errors.ts";
import { handleKmipBinary, type KmipDeps } from "./kmip-route.ts";
import { subjectCn } from "./mtls-front.ts";

export interface SocketServerOptions {
  hostname: string;
  port: number;
  cert: string;
  key: string;
  /** CA(s) that sign client certificates (PEM). */
  ca: string;
  ciphers?: string;
  idleTimeoutSeconds: number;
  maxMessageBytes: number;
  maxConnections?: number;
  auth: Authenticator;
  kmip: KmipDeps;
}

export interface SocketServer {
  port: number;
  close(): Promise<void>;
}

export async function startSocketServer(o: SocketServerOptions): Promise<SocketServer> {
  const open = new Set<tls.TLSSocket>();
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
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      serveConnection(socket, o);
    },
  );
  server.maxConnections = o.maxConnections ?? 1024;
  server.on("tlsClientError", () => {}); // refused handshakes (no or unknown certificate, TLS < 1.2)
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.hostname, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  o.kmip.log.info("KMIP socket server listening", { hostname: o.hostname, port: address.port });
  return {
    port: address.port,
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of open) s.destroy();
      return closed;
    },
  };
}

function serveConnection(socket: tls.TLSSocket, o: SocketServerOptions): void {
  const cn = subjectCn(socket);
  const client = peerAddress(
    socket.remoteAddress ? { address: socket.remoteAddress, port: socket.remotePort ?? 0 } : undefined,
  );
  const log = o.kmip.log;
  socket.setTimeout(o.idleTimeoutSeconds * 1000, () => socket.destroy());
  socket.on("error", () => socket.destroy());
  let buffered: Buffer = Buffer.alloc(0);
  let busy = false;

  const pump = async () => {
    if (busy) return;
    busy = true;
    try {
      while (!socket.destroyed && buffered.length >= 8) {
        let length: number;
        try {
          length = binaryMessageLength(buffered.subarray(0, 8), o.maxMessageBytes);
        } catch (e) {
          const f = toFailure(e, log, "socket");
          await o.kmip.audit.append({
            requestId: crypto.randomUUID().slice(0, 8),
            user: cn ?? "-",
            client,
            operation: "(undecodable request)",
            result: f.reason,
          });
          socket.end(
            encodeBinaryResponse({ major: 2, minor: 1 }, [
              { status: "OperationFailed", reason: f.reason, message: f.message },
            ]),
          );
          return;
        }
        if (buffered.length < length) break;
        const message = new Uint8Array(buffered.subarray(0, length));
        buffered = buffered.subarray(length);
        // a client that does not read its answers stops being read from
        if (!socket.write(await answer(message)))
          await new Promise<void>((resolve) => socket.once("drain", resolve).once("close", resolve));
      }
    } catch (e) {
      log.error("socket server: request failed", { error: e instanceof Error ? e.message : String(e) });
      socket.destroy();
    } finally {
      busy = false; // data that came during an await was appended and seen by the loop
    }
  };

  const answer = async (message: Uint8Array): Promise<Uint8Array> => {
    const requestId = crypto.randomUUID().slice(0, 8);
    let user: string;
    try {
      if (!cn)
        throw new KmipError(
          "Authentication_Not_Successful",
          "the client certificate has no usable subject CN",
          "unauthenticated",
        );
      user = await o.auth.authenticate({ authorization: null, certificateCn: cn });
    } catch (e) {
      const f = toFailure(e, log, requestId);
      await o.kmip.audit.append({ requestId, user: "-", client, operation: "kmip", result: f.reason });
      return encodeBinaryResponse({ major: 2, minor: 1 }, [
        { status: "OperationFailed", reason: f.reason, message: f.message },
      ]);
    }
    return concatParts(await handleKmipBinary(message, { requestId, user, client }, o.kmip, o.maxMessageBytes));
  };

  socket.on("data", (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    // while a request runs, stop reading: pipelined requests wait in the kernel, not in memory
    if (busy) return void socket.pause();
    void pump().then(() => {
      if (!socket.destroyed) socket.resume();
    });
  });
}
