/**
 * Compiles the ristretto255 addon (ristretto.c) into native/ristretto/build/ristretto.node with the
 * system C compiler, Node-API's headers, libsodium and OpenSSL's libcrypto (Debian: `apt-get
 * install -y gcc libsodium-dev libssl-dev`). The addon links libsodium.so.23 and libcrypto.so.3
 * dynamically (Debian's libsodium.a is not built position-independent), so a host running it needs
 * libsodium23 and libssl3; without them the addon does not load and CoverCrypt uses its
 * TypeScript path (same bytes, slower).
 *
 * `bun native/ristretto/build.ts` prints the addon's path, or exits 1 with the compiler's message.
 * Also called by scripts/build.ts; `--if-missing` skips an up-to-date build.
 */
import path from "node:path";
import { existsSync, mkdirSync, statSync } from "node:fs";

export const ADDON = path.join(import.meta.dir, "build/ristretto.node");
const SOURCE = path.join(import.meta.dir, "ristretto.c");

/** Directories holding node_api.h: Debian's nodejs package, or the headers beside the running node. */
function nodeApiIncludes(): string[] {
  const candidates = ["/usr/include/node", "/usr/local/include/node"];
  const node = Bun.which("node");
  if (node) candidates.push(path.resolve(path.dirname(node), "../include/node"));
  return candidates.filter((d) => existsSync(path.join(d, "node_api.h")));
}

export function buildAddon(ifMissing = false): { ok: true; path: string } | { ok: false; message: string } {
  if (ifMissing && existsSync(ADDON) && statSync(ADDON).mtimeMs >= statSync(SOURCE).mtimeMs)
    return { ok: true, path: ADDON };
  const includes = nodeApiIncludes();
  if (includes.length === 0) return { ok: false, message: "node_api.h not found (Debian: apt-get install -y nodejs)" };
  mkdirSync(path.dirname(ADDON), { recursive: true });
  const cc = process.env.CC ?? "cc";
  const args = [
    cc,
    "-O2",
    "-fPIC",
    "-shared",
    "-Wall",
    "-DNODE_GYP_MODULE_NAME=ristretto",
    `-I${includes[0]}`,
    SOURCE,
    "-o",
    ADDON,
    "-lsodium",
    "-lcrypto",
  ];
  const r = Bun.spawnSync(args, { stderr: "pipe", stdout: "pipe" });
  if (r.exitCode !== 0) return { ok: false, message: `${args.join(" ")} failed:\n${r.stderr.toString()}` };
  return { ok: true, path: ADDON };
}

if (import.meta.main) {
  const r = buildAddon(process.argv.includes("--if-missing"));
  if (!r.ok) {
    console.error(r.message);
    process.exit(1);
  }
  console.log(`built ${path.relative(process.cwd(), r.path)}`);
}
