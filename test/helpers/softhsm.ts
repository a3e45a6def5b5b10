/**
 * A throwaway SoftHSM2 token for tests: a temp SOFTHSM2_CONF pointing to a temp token folder, a
 * token initialized with `softhsm2-util --init-token --free`, and a PIN file. Needs Debian's
 * softhsm2 package (softhsm2-util and /usr/lib/softhsm/libsofthsm2.so): with CI=true a missing
 * SoftHSM2 is a failure (see `requireSoftHsm`), otherwise the test file prints one skip line.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { SOFTHSM2_MODULE, type HsmConfig } from "../../src/server/config.ts";

/**
 * Sets an environment variable for native code too: SoftHSM2 reads SOFTHSM2_CONF with getenv(3),
 * and Bun's process.env does not reach the C environment (Node's does), so under Bun it also goes
 * through libc's setenv.
 */
function setNativeEnv(name: string, value: string): void {
  process.env[name] = value;
  if (!("Bun" in globalThis)) return;
  const { dlopen, FFIType, ptr } = createRequire(import.meta.url)("bun:ffi") as typeof import("bun:ffi");
  const libc = dlopen("libc.so.6", { setenv: { args: [FFIType.ptr, FFIType.ptr, FFIType.i32], returns: FFIType.i32 } });
  const cstr = (s: string) => ptr(Buffer.from(`${s}\0`, "utf8"));
  const rc = libc.symbols.setenv(cstr(name), cstr(value), 1);
  libc.close();
  if (rc !== 0) throw new Error(`setenv(${name}) failed`);
}

export const SOFTHSM_MODULE = process.env.SOFTHSM2_MODULE ?? SOFTHSM2_MODULE;
const probe = spawnSync("softhsm2-util", ["--version"], { encoding: "utf8" });
// The pkcs11js addon is not built by npm install (package.json allowScripts): `npm run build:pkcs11` builds it.
const addonBuilt = existsSync(new URL("../../node_modules/pkcs11js/build/Release/pkcs11.node", import.meta.url));
const softHsmInstalled = probe.status === 0 && existsSync(SOFTHSM_MODULE);
export const softHsmAvailable = softHsmInstalled && addonBuilt;
export const MISSING = !softHsmInstalled
  ? `SoftHSM2 not found (softhsm2-util and ${SOFTHSM_MODULE}; install it with: apt-get install -y softhsm2)`
  : "the pkcs11js addon is not built (npm install leaves it unbuilt; build it with: npm run build:pkcs11)";

/**
 * Call once at the top of a test file: prints the skip line (no SoftHSM2, CI unset) or adds a
 * failing test (no SoftHSM2, CI=true). Returns whether the file's HSM tests can run.
 */
export function requireSoftHsm(file: string, test: (name: string, fn: () => void) => void): boolean {
  if (softHsmAvailable) return true;
  if (process.env.CI === "true") {
    test("SoftHSM2 is installed (required when CI=true)", () => {
      throw new Error(MISSING);
    });
  } else {
    console.log(`SKIP ${file}: ${MISSING}`);
  }
  return false;
}

export interface SoftHsmToken {
  dir: string;
  slot: string;
  pin: string;
  pinFile: string;
  /** The server's HSM configuration for this token (admin: `admins`). */
  config(admins?: string[]): HsmConfig;
  /** Removes the token folder. */
  dispose(): void;
}

/**
 * A new token labelled `label` in a new SoftHSM2 configuration; sets SOFTHSM2_CONF for this
 * process (SoftHSM2 reads it when the library is initialized).
 */
export function createSoftHsmToken(label = "kms", pin = "kms-test-pin-1234"): SoftHsmToken {
  const dir = mkdtempSync(path.join(tmpdir(), "kms-softhsm-"));
  const tokens = path.join(dir, "tokens");
  mkdirSync(tokens);
  const conf = path.join(dir, "softhsm2.conf");
  writeFileSync(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  setNativeEnv("SOFTHSM2_CONF", conf);
  const r = spawnSync(
    "softhsm2-util",
    ["--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", `${pin}-so`],
    { encoding: "utf8", env: { ...process.env, SOFTHSM2_CONF: conf } },
  );
  const m = /reassigned to slot (\d+)/.exec(r.stdout + r.stderr);
  if (r.status !== 0 || !m) throw new Error(`softhsm2-util --init-token failed: ${r.stdout}${r.stderr}`);
  const pinFile = path.join(dir, "pin");
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  const slot = m[1];
  return {
    dir,
    slot,
    pin,
    pinFile,
    config: (admins = ["admin"]) => ({
      model: "softhsm2",
      module: SOFTHSM_MODULE,
      slots: [slot],
      passwordFile: pinFile,
      admins,
    }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
