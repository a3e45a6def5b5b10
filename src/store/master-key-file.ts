/**
 * The file-held master key: 32 random bytes, stored as 64 hexadecimal characters (a trailing newline
 * is allowed; a file of exactly 32 raw bytes is accepted too), mode 0600.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { AesGcmMasterKey } from "./sealed.ts";
import { securePath, writePrivateFile, type PermissionOptions } from "./permissions.ts";

export class MasterKeyError extends Error {}

export function readMasterKeyFile(file: string, opts: PermissionOptions = {}): AesGcmMasterKey {
  securePath(file, opts);
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    throw new MasterKeyError(
      `cannot read the master key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (raw.length === 32) return new AesGcmMasterKey(raw);
  const text = raw.toString("latin1").trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return new AesGcmMasterKey(Buffer.from(text, "hex"));
  throw new MasterKeyError(
    `the master key file ${file} must hold 32 bytes as 64 hexadecimal characters (it holds ${raw.length} bytes)`,
  );
}

/** Generates a new master key into `file` (which must not exist). */
export function generateMasterKeyFile(file: string): AesGcmMasterKey {
  if (existsSync(file)) throw new MasterKeyError(`${file} already exists`);
  const key = randomBytes(32);
  writePrivateFile(file, key.toString("hex") + "\n");
  const mk = new AesGcmMasterKey(key);
  key.fill(0);
  return mk;
}
