/**
 * Shared set-up of the compatibility suites: one real server per test file, and a Cosmian
 * `KmsClient` pointed at it, plus small byte helpers.
 */
import { KmsClient } from "cloudproof_kms_js";
import { useTestServer, type TestServer } from "./server.ts";
import type { ServerConfig } from "../../src/server/config.ts";

/** Starts a server before the file's tests (handing it and a client to `ready`) and disposes of it after. */
export function useServerWithClient(
  ready: (server: TestServer, client: KmsClient) => void,
  config: Partial<ServerConfig> = {},
): void {
  useTestServer((server) => ready(server, new KmsClient(server.url)), config);
}

export const uniq = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;
export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);
