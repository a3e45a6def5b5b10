/**
 * `npm run build`: one self-contained executable, dist/kms, with the sodium-native addon embedded,
 * the ristretto255 addon (native/ristretto, compiled here when a C compiler, libsodium-dev and
 * libssl-dev are present; it needs libsodium.so.23 and libcrypto.so.3 on the host and is skipped at
 * run time, TypeScript path, where they are missing), and the pkcs11js addon (PKCS#11 HSMs:
 * src/hsm/pkcs11.ts imports it with a literal dynamic import, which Bun bundles with its statically
 * required .node file). The HSM vendor's PKCS#11 library stays a system file named by --hsm-module.
 * It runs with no node_modules beside it (tested by test/server/executable.test.ts, with SoftHSM2
 * for the HSM part). The git commit
 * is embedded (KMS_BUILD_COMMIT, read by src/server/version.ts) so that `kms --version` names it.
 */
import path from "node:path";
import { embedRistrettoPlugin, embedSodiumPlugin } from "../native/embed-plugin.ts";
import { buildAddon } from "../native/ristretto/build.ts";
import { gitCommit } from "../src/server/version.ts";

const root = path.resolve(import.meta.dir, "..");
const outfile = process.argv[2] ?? path.join(root, "dist/kms");
const addon = buildAddon(true);
if (!addon.ok) console.warn(`ristretto255 addon not built, the executable uses the TypeScript path:\n${addon.message}`);
const result = await Bun.build({
  // The heavy-work pool's worker (src/operations/common/heavy.ts) is its own entry point so the
  // executable embeds it.
  entrypoints: [path.join(root, "src/cli/main.ts"), path.join(root, "src/operations/common/heavy-worker.ts")],
  compile: {
    outfile,
    // JavaScriptCore's JIT held back (tier-up thresholds x4) while the run-once start-up code runs:
    // compiling it cost more than it saved (a quarter of the start-up's CPU time). The server
    // restores the normal policy once it listens (src/runtime/bun.ts), a heavy-work worker at once.
    jitPolicy: 4,
    // No bunfig.toml or .env from the working folder: the server's configuration is its flags,
    // KMS_* variables and --config, and a bunfig.toml `preload` would run code inside the server.
    autoloadBunfig: false,
    autoloadDotenv: false,
  },
  // Bytecode (with ESM output, which top-level await needs) spares the executable parsing its
  // ~2 MB of JavaScript at every start: about half of the start-up time.
  bytecode: true,
  format: "esm",
  minify: true,
  sourcemap: "none",
  plugins: [embedSodiumPlugin(root), embedRistrettoPlugin(addon.ok ? addon.path : undefined)],
  define: { KMS_BUILD_COMMIT: JSON.stringify(gitCommit(root) ?? "unknown") },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${path.relative(process.cwd(), outfile)}`);
