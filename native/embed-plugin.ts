/**
 * Bun build plugin: embeds sodium-native's prebuilt addon in a `bun build --compile` executable.
 *
 * sodium-native's `binding.js` calls `require('require-addon')('.', __filename)`, which searches
 * node_modules/sodium-native/prebuilds at run time. We resolve `require-addon` to a tiny module
 * that does a static `require()` of the addon for the build target; Bun embeds statically
 * required `.node` files and loads them from its virtual file system at run time.
 */
import path from "node:path";
import { existsSync } from "node:fs";
import type { BunPlugin } from "bun";

export function embedSodiumPlugin(root: string, target = `${process.platform}-${process.arch}`): BunPlugin {
  const addon = path.join(root, "node_modules/sodium-native/prebuilds", target, "sodium-native.node");
  if (!existsSync(addon)) throw new Error(`no sodium-native prebuilt addon for ${target} at ${addon}`);
  return {
    name: "embed-sodium-native",
    setup(build) {
      build.onResolve({ filter: /^require-addon$/ }, () => ({ path: "require-addon", namespace: "embed-sodium" }));
      build.onLoad({ filter: /.*/, namespace: "embed-sodium" }, () => ({
        contents: `module.exports = function requireAddon() { return require(${JSON.stringify(addon)}); };`,
        loader: "js",
      }));
    },
  };
}

/**
 * Bun build plugin: embeds the ristretto255 addon (native/ristretto/build/ristretto.node) by
 * replacing native/ristretto/load.ts with a static `require()` of it. Without a built addon the
 * executable is still built and CoverCrypt runs its TypeScript path.
 */
export function embedRistrettoPlugin(addon: string | undefined): BunPlugin {
  const contents = addon
    ? `export function loadAddon() { return require(${JSON.stringify(addon)}); }`
    : `export function loadAddon() { throw new Error("ristretto addon not built"); }`;
  return {
    name: "embed-ristretto-addon",
    setup(build) {
      build.onLoad({ filter: /native[\\/]ristretto[\\/]load\.ts$/ }, () => ({ contents, loader: "js" }));
    },
  };
}
