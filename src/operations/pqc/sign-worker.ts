/**
 * Worker for the slow SLH-DSA signatures (the "s" variants take seconds in JavaScript): signing
 * there keeps the server's event loop answering other requests. One message in, one out.
 */
import * as pqc from "../../crypto/pqc.ts";
import { wipe } from "../../crypto/bytes.ts";

declare const self: { onmessage: (e: MessageEvent) => void; postMessage(message: unknown): void };

self.onmessage = (e: MessageEvent) => {
  const { algorithm, secretKey, data } = e.data as { algorithm: pqc.SignatureAlgorithm; secretKey: Uint8Array; data: Uint8Array };
  try {
    self.postMessage({ signature: pqc.sign(algorithm, secretKey, data) });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  } finally {
    wipe(secretKey);
  }
};
