/**
 * Loads the compiled ristretto255 addon (native/ristretto/build/ristretto.node). Throws when it is
 * not built or cannot load (e.g. no libsodium.so.23 on the host); native/ristretto.ts then reports
 * it as unavailable. In a `bun build --compile` executable, native/embed-plugin.ts replaces this
 * module with a static require() of the built file, so Bun embeds the addon.
 */
import { createRequire } from "node:module";

export function loadAddon(): unknown {
  return createRequire(import.meta.url)("./build/ristretto.node");
}
