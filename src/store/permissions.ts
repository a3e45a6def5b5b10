/**
 * File modes of the data at rest: the data folder is 0700 and every file holding keys or sealed
 * rows (database, its -wal and -shm, the master key, backups) is 0600, whatever the process umask.
 * Looser modes found at start are tightened (with a warning) when the process owns the path, and
 * refused otherwise. POSIX only: on Windows the checks are skipped (ACLs apply there).
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import path from "node:path";

export class PermissionError extends Error {}

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

const posix = process.platform !== "win32" && typeof process.getuid === "function";

export interface PermissionOptions {
  /** Called with a message and fields when a mode is tightened. */
  warn?: (msg: string, fields: Record<string, unknown>) => void;
  /** The user id taken as "us" (defaults to the process's). */
  uid?: number;
}

/**
 * Checks an existing `file` (or folder): no access for group or others. Tightens it when ours,
 * throws PermissionError when not. Does nothing when it does not exist.
 */
export function securePath(file: string, opts: PermissionOptions = {}): void {
  if (!posix) return;
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  const mode = st.mode & 0o777;
  const wanted = st.isDirectory() ? DIR_MODE : FILE_MODE;
  if ((mode & 0o077) === 0) return;
  const uid = opts.uid ?? process.getuid!();
  const octal = (m: number) => "0" + m.toString(8);
  if (st.uid !== uid) {
    throw new PermissionError(
      `${file} is readable by other users (mode ${octal(mode)}) and owned by uid ${st.uid}, not by this process (uid ${uid}): ` +
        `make it ${octal(wanted)} (chmod ${octal(wanted)} ${file}) or run the server as its owner`,
    );
  }
  chmodSync(file, wanted);
  opts.warn?.("tightened the permissions of a file holding data at rest", {
    path: file,
    was: octal(mode),
    now: octal(wanted),
  });
}

/** Creates `dir` (and parents) if missing, then makes sure it is private (0700). */
export function securedDir(dir: string, opts: PermissionOptions = {}): void {
  const existed = (() => {
    try {
      statSync(dir);
      return true;
    } catch {
      return false;
    }
  })();
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (!existed && posix) chmodSync(dir, DIR_MODE); // mkdir's mode is filtered by the umask
  securePath(dir, opts);
}

/** Creates an empty `file` with mode 0600 if it does not exist (SQLite gives -wal and -shm the same mode). */
export function ensurePrivateFile(file: string): void {
  try {
    closeSync(openSync(file, "wx", FILE_MODE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return;
    throw e;
  }
  if (posix) chmodSync(file, FILE_MODE);
}

/**
 * Writes `contents` to a new file 0600 atomically: a temporary file in the same folder, fsync'd,
 * then renamed over `file` (a crash leaves the old file or the new one, never half of it).
 */
export function writePrivateFile(file: string, contents: Uint8Array | string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w", FILE_MODE);
  try {
    if (posix) chmodSync(tmp, FILE_MODE);
    writeSync(fd, typeof contents === "string" ? Buffer.from(contents) : contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const dfd = openSync(path.dirname(file), "r");
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // not every platform can fsync a folder
  }
}
