/**
 * The server version, reported by `kms --version`, /version and Query: the package.json version and
 * the git commit it was built from. `scripts/build.ts` embeds the commit in the executable (a
 * `define` of KMS_BUILD_COMMIT); run from source, it is asked of git once; without git, `unknown`.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import pkg from "../../package.json" with { type: "json" };

declare const KMS_BUILD_COMMIT: string | undefined;

export const VERSION: string = pkg.version;

let commit: string | undefined;

/** The git commit (12 hex digits) of this build or checkout, or "unknown". */
export function buildCommit(): string {
  if (commit !== undefined) return commit;
  if (typeof KMS_BUILD_COMMIT === "string" && KMS_BUILD_COMMIT) return (commit = KMS_BUILD_COMMIT);
  return (commit = gitCommit(fileURLToPath(new URL(".", import.meta.url))) ?? "unknown");
}

/** `git rev-parse --short=12 HEAD` in `dir`, or undefined when git or the repository is not there. */
export function gitCommit(dir: string): string | undefined {
  try {
    const r = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: dir, encoding: "utf8", timeout: 5_000 });
    const out = r.status === 0 ? r.stdout.trim() : "";
    return /^[0-9a-f]{7,40}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** e.g. `0.2.0-dev (commit 0123456789ab; TS KMS, Bun)` (`Deno` when served by Deno). */
export function versionString(): string {
  return `${VERSION} (commit ${buildCommit()}; TS KMS, ${"Deno" in globalThis ? "Deno" : "Bun"})`;
}

/** The version string of this process (computed once, at start). */
export const VERSION_STRING = versionString();
