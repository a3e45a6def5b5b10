/**
 * Runs `kms` client commands as subprocesses (`bun src/cli/main.ts ...`) with a clean environment
 * (HOME in a temp folder, so no user configuration leaks in).
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
export const MAIN = path.join(root, "src/cli/main.ts");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = "kms-cli-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

const home = tempDir("kms-cli-home-");

/** Runs `kms ARGS`; `env` is added to a minimal environment; `input` is written to stdin. */
export function kms(args: string[], env: Record<string, string> = {}, input?: string | Uint8Array): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      bun,
      [MAIN, ...args],
      {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, ...env },
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === "number"
            ? (error as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/** The `Unique identifier: X` values of a ckms-style answer, in order. */
export function ids(out: string): string[] {
  return [...out.matchAll(/identifier: (\S+)/g)].map((m) => m[1]);
}
