/**
 * The Deno permissions the server needs, in one place (docs/deno.md explains each): the test
 * helper, the Deno executable test, `npm run build:deno` and the bench build their flags here.
 *
 * - read: the application (sources, node_modules) and the data folder (plus key and TLS files);
 *   /etc/alpine-release, which sodium-native's addon loader reads to tell musl from glibc;
 * - write: the data folder (database, master key, audit trail);
 * - net: the listening address only (Deno asks for the host:port it binds);
 * - env: the KMS_* options, and NODE_ENV, ENV, ELYSIA_* that Elysia reads at load;
 * - ffi: sodium-native, a Node-API addon.
 * Nothing else: no run (the git commit is then "unknown" when run from source), no sys, no import.
 */
export const DENO_ENV = "NODE_ENV,ENV,ELYSIA_*,KMS_*";

export interface DenoPermissionOptions {
  /** Folders and files read (the application, node_modules' real path, the data folder, key files). */
  read: string[];
  /** Folders written (the data folder; the audit file's folder if elsewhere). */
  write: string[];
  /** `host` or `host:port` the server binds. */
  net: string;
}

export function denoPermissions(o: DenoPermissionOptions): string[] {
  return [
    `--allow-read=${[...o.read, "/etc/alpine-release"].join(",")}`,
    `--allow-write=${o.write.join(",")}`,
    `--allow-net=${o.net}`,
    `--allow-env=${DENO_ENV}`,
    "--allow-ffi",
  ];
}

/** Flags of every `deno run` of the server: npm's node_modules as installed, request.signal aborted only when the client goes away. */
export const DENO_RUN_FLAGS = ["--no-prompt", "--node-modules-dir=manual", "--unstable-no-legacy-abort"];
