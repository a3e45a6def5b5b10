/**
 * Small-file output of the client commands: written to a temporary file beside the destination and
 * renamed over it, so an error never leaves a half-written file; `-` or no file means stdout.
 */
import { randomBytes } from "node:crypto";
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CliError } from "./client.ts";

export async function writeOutput(file: string | undefined, bytes: Uint8Array): Promise<void> {
  if (file === undefined || file === "-") {
    process.stdout.write(bytes);
    return;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, bytes, { mode: 0o600, flag: "wx" });
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw new CliError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** ckms's default output name: the input with its extension replaced (`a.txt` -> `a.enc`). */
export function defaultOutput(input: string, extension: string): string {
  const parsed = path.parse(input);
  return path.join(parsed.dir, `${parsed.name}.${extension}`);
}
