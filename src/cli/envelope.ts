/**
 * Envelope encryption of files of any size in constant memory (`kms sym encrypt|decrypt`).
 *
 * A fresh 256-bit data key (DEK) encrypts the file with AES-256-GCM in chunks; the KMS key only
 * wraps the DEK (a KMIP Encrypt of its 32 bytes; Decrypt unwraps it), so the file never travels.
 * Chunking follows the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár, "Online
 * Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015): chunk i has
 * nonce = prefix(7) ‖ i (u32 BE) ‖ final flag (1 byte), so removing, reordering or truncating
 * chunks fails authentication, and each chunk's AAD is the whole header, so no header field can be
 * changed either. Layout (integers big-endian), documented in docs/cli.md:
 *
 *   "KMSENV" | version=1 | algorithm=1 (AES-256-GCM) | chunk size C (u32) | nonce prefix (7)
 *   | key id length (u16) | key id (UTF-8) | wrap IV length (u8) | wrap IV | wrap tag length (u8)
 *   | wrap tag | wrapped DEK length (u16) | wrapped DEK
 *   then chunks: ciphertext of C plaintext bytes ‖ tag(16), the last one shorter (maybe 0 + 16).
 *
 * Output goes to a temporary file beside the destination, renamed over it only once everything is
 * written and (decryption) authenticated: an error or an interruption leaves no partial output.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { open, rename, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { CliError, type KmsClient } from "./client.ts";

export const MAGIC = new TextEncoder().encode("KMSENV");
export const VERSION = 1;
export const ALG_AES256GCM = 1;
export const DEFAULT_CHUNK = 1 << 20;
const TAG = 16;
const MAX_HEADER = 70_000;

export interface Header {
  chunkSize: number;
  prefix: Uint8Array;
  keyId: string;
  wrapIv: Uint8Array;
  wrapTag: Uint8Array;
  wrapped: Uint8Array;
  /** The header's bytes: every chunk's AAD. */
  bytes: Uint8Array;
}

export function encodeHeader(h: Omit<Header, "bytes">): Uint8Array {
  const id = new TextEncoder().encode(h.keyId);
  if (id.length > 0xffff || h.wrapIv.length > 0xff || h.wrapTag.length > 0xff || h.wrapped.length > 0xffff)
    throw new CliError("the wrapped data key does not fit the file header");
  const out = new Uint8Array(
    6 + 1 + 1 + 4 + 7 + 2 + id.length + 1 + h.wrapIv.length + 1 + h.wrapTag.length + 2 + h.wrapped.length,
  );
  const dv = new DataView(out.buffer);
  let o = 0;
  out.set(MAGIC, o), (o += 6);
  out[o++] = VERSION;
  out[o++] = ALG_AES256GCM;
  dv.setUint32(o, h.chunkSize), (o += 4);
  out.set(h.prefix, o), (o += 7);
  dv.setUint16(o, id.length), (o += 2);
  out.set(id, o), (o += id.length);
  out[o++] = h.wrapIv.length;
  out.set(h.wrapIv, o), (o += h.wrapIv.length);
  out[o++] = h.wrapTag.length;
  out.set(h.wrapTag, o), (o += h.wrapTag.length);
  dv.setUint16(o, h.wrapped.length), (o += 2);
  out.set(h.wrapped, o);
  return out;
}

/** Parses the header at the start of `buf`; throws CliError naming what is wrong. */
export function decodeHeader(buf: Uint8Array, file: string): Header {
  const bad = (why: string): never => {
    throw new CliError(`${file} is not a file encrypted by kms sym encrypt: ${why}`);
  };
  let o = 0;
  const need = (n: number) => (o + n > buf.length ? bad("truncated header") : undefined);
  need(12);
  for (let i = 0; i < 6; i++) if (buf[i] !== MAGIC[i]) bad("bad magic");
  o = 6;
  if (buf[o++] !== VERSION) bad(`unsupported version ${buf[6]}`);
  if (buf[o++] !== ALG_AES256GCM) bad(`unsupported algorithm ${buf[7]}`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const chunkSize = dv.getUint32(o);
  o += 4;
  if (chunkSize < 16 || chunkSize > 1 << 26) bad(`chunk size ${chunkSize} out of range`);
  need(9);
  const prefix = buf.slice(o, o + 7);
  o += 7;
  const idLen = dv.getUint16(o);
  o += 2;
  need(idLen + 1);
  const keyId = new TextDecoder().decode(buf.subarray(o, o + idLen));
  o += idLen;
  const ivLen = buf[o++];
  need(ivLen + 1);
  const wrapIv = buf.slice(o, o + ivLen);
  o += ivLen;
  const tagLen = buf[o++];
  need(tagLen + 2);
  const wrapTag = buf.slice(o, o + tagLen);
  o += tagLen;
  const wLen = dv.getUint16(o);
  o += 2;
  need(wLen);
  const wrapped = buf.slice(o, o + wLen);
  o += wLen;
  return { chunkSize, prefix, keyId, wrapIv, wrapTag, wrapped, bytes: buf.slice(0, o) };
}

export function chunkNonce(prefix: Uint8Array, index: number, final: boolean): Uint8Array {
  const n = new Uint8Array(12);
  n.set(prefix, 0);
  new DataView(n.buffer).setUint32(7, index);
  n[11] = final ? 1 : 0;
  return n;
}

function sealChunk(dek: Uint8Array, h: Header, index: number, final: boolean, plain: Uint8Array): Uint8Array[] {
  const c = createCipheriv("aes-256-gcm", dek, chunkNonce(h.prefix, index, final));
  c.setAAD(h.bytes);
  const body = plain.length ? c.update(plain) : new Uint8Array(0);
  c.final();
  return [body, c.getAuthTag()];
}

function openChunk(
  dek: Uint8Array,
  h: Header,
  index: number,
  final: boolean,
  sealed: Uint8Array,
  file: string,
): Uint8Array {
  const d = createDecipheriv("aes-256-gcm", dek, chunkNonce(h.prefix, index, final));
  d.setAAD(h.bytes);
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  const body = sealed.length > TAG ? d.update(sealed.subarray(0, sealed.length - TAG)) : new Uint8Array(0);
  try {
    d.final();
  } catch {
    body.fill(0);
    throw new CliError(`${file}: chunk ${index} fails authentication (the file was modified, truncated or reordered)`);
  }
  return body;
}

// ----------------------------------------------------------------------------------------------
// Progress

export type ProgressMode = "bar" | "lines" | "none";

export class Progress {
  private last = 0;
  private lastStep = -1;
  private readonly start = Date.now();
  constructor(
    private readonly mode: ProgressMode,
    private readonly label: string,
    private readonly total: number,
  ) {}

  static mode(quiet: boolean): ProgressMode {
    return quiet ? "none" : process.stderr.isTTY ? "bar" : "lines";
  }

  update(done: number, finished = false): void {
    if (this.mode === "none") return;
    const now = Date.now();
    const pct = this.total ? Math.min(100, Math.floor((done * 100) / this.total)) : 100;
    const mib = (n: number) => (n / 1048576).toFixed(1);
    const rate = done / Math.max(0.001, (now - this.start) / 1000) / 1048576;
    if (this.mode === "bar") {
      if (!finished && now - this.last < 100) return;
      this.last = now;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r${this.label} [${"#".repeat(fill)}${" ".repeat(width - fill)}] ${String(pct).padStart(3)}% ${mib(done)}/${mib(this.total)} MiB ${rate.toFixed(0)} MiB/s${finished ? "\n" : ""}`,
      );
      return;
    }
    const step = Math.floor(pct / 10);
    if (!finished && (step === this.lastStep || now - this.last < 1000)) return;
    this.last = now;
    this.lastStep = step;
    process.stderr.write(
      `${this.label}: ${pct}% (${mib(done)} of ${mib(this.total)} MiB, ${rate.toFixed(0)} MiB/s)${finished ? " done" : ""}\n`,
    );
  }
}

// ----------------------------------------------------------------------------------------------
// Files

/** A temporary file beside `dest`, renamed over it by commit(), removed by abort(). */
async function tempOutput(dest: string): Promise<{ fh: FileHandle; commit(): Promise<void>; abort(): Promise<void> }> {
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString("hex")}.tmp`);
  let fh: FileHandle;
  try {
    fh = await open(tmp, "wx", 0o600);
  } catch (e) {
    throw new CliError(
      `cannot write to ${path.dirname(dest)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let closed = false;
  const onSignal = () => {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const done = () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  return {
    fh,
    async commit() {
      await fh.sync();
      await fh.close();
      closed = true;
      try {
        await rename(tmp, dest);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw new CliError(`cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      } finally {
        done();
      }
    },
    async abort() {
      if (!closed) await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      done();
    },
  };
}

async function openInput(file: string): Promise<{ fh: FileHandle; size: number }> {
  try {
    const fh = await open(file, "r");
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new CliError(`${file} is not a regular file`);
    }
    return { fh, size: st.size };
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)}`,
    );
  }
}

/** Reads up to `buf.length` bytes (fewer only at the end of the file). */
async function readFull(fh: FileHandle, buf: Uint8Array, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

async function writeAll(fh: FileHandle, parts: Uint8Array[]): Promise<void> {
  for (const p of parts) {
    let off = 0;
    while (off < p.length) off += (await fh.write(p, off, p.length - off)).bytesWritten;
  }
}

export interface FileJob {
  client: KmsClient;
  input: string;
  output: string;
  progress: ProgressMode;
  chunkSize?: number;
}

/** Encrypts `input` under a fresh DEK wrapped by the KMS key `keyId`. Returns the bytes written. */
export async function encryptFile(job: FileJob & { keyId: string }): Promise<number> {
  const chunkSize = job.chunkSize ?? DEFAULT_CHUNK;
  const { fh: input, size } = await openInput(job.input);
  const dek = randomBytes(32);
  try {
    const w = await job.client.kmip("Encrypt", { UniqueIdentifier: job.keyId, Data: dek });
    const wrapped = w.Data as Uint8Array | undefined;
    if (!(wrapped instanceof Uint8Array)) throw new CliError("the KMS did not return the wrapped data key");
    const fields = {
      chunkSize,
      prefix: randomBytes(7),
      keyId: typeof w.UniqueIdentifier === "string" ? w.UniqueIdentifier : job.keyId,
      wrapIv: (w.IVCounterNonce as Uint8Array | undefined) ?? new Uint8Array(0),
      wrapTag: (w.AuthenticatedEncryptionTag as Uint8Array | undefined) ?? new Uint8Array(0),
      wrapped,
    };
    const header: Header = { ...fields, bytes: encodeHeader(fields) };
    const out = await tempOutput(job.output);
    const progress = new Progress(job.progress, "encrypt", size);
    try {
      await writeAll(out.fh, [header.bytes]);
      let a = new Uint8Array(chunkSize);
      let b = new Uint8Array(chunkSize);
      let pos = 0;
      let n = await readFull(input, a, pos);
      let written = header.bytes.length;
      for (let index = 0; ; index++) {
        if (index > 0xffffffff) throw new CliError(`${job.input} is too large for ${chunkSize}-byte chunks`);
        pos += n;
        const next = n === chunkSize ? await readFull(input, b, pos) : 0;
        const final = next === 0;
        const parts = sealChunk(dek, header, index, final, a.subarray(0, n));
        await writeAll(out.fh, parts);
        written += n + TAG;
        progress.update(pos);
        if (final) break;
        [a, b] = [b, a];
        n = next;
      }
      progress.update(pos, true);
      await out.commit();
      return written;
    } catch (e) {
      await out.abort();
      throw e;
    }
  } finally {
    dek.fill(0);
    await input.close();
  }
}

/** Decrypts a file written by encryptFile; `keyId` overrides the one in the header. */
export async function decryptFile(job: FileJob & { keyId?: string }): Promise<number> {
  const { fh: input, size } = await openInput(job.input);
  let dek: Uint8Array | undefined;
  try {
    const head = new Uint8Array(Math.min(size, MAX_HEADER));
    await readFull(input, head, 0);
    const header = decodeHeader(head, job.input);
    const r = await job.client.kmip("Decrypt", {
      UniqueIdentifier: job.keyId ?? header.keyId,
      Data: header.wrapped,
      ...(header.wrapIv.length ? { IVCounterNonce: header.wrapIv } : {}),
      ...(header.wrapTag.length ? { AuthenticatedEncryptionTag: header.wrapTag } : {}),
    });
    dek = r.Data as Uint8Array | undefined;
    if (!(dek instanceof Uint8Array) || dek.length !== 32)
      throw new CliError("the KMS did not return a 32-byte data key");
    const body = size - header.bytes.length;
    const sealedSize = header.chunkSize + TAG;
    const chunks = Math.max(1, Math.ceil(body / sealedSize));
    if (body < TAG || body - (chunks - 1) * sealedSize < TAG)
      throw new CliError(`${job.input}: truncated (the last chunk is incomplete)`);
    const out = await tempOutput(job.output);
    const progress = new Progress(job.progress, "decrypt", body);
    try {
      const buf = new Uint8Array(sealedSize);
      let pos = header.bytes.length;
      let written = 0;
      for (let index = 0; index < chunks; index++) {
        const len = Math.min(sealedSize, size - pos);
        const got = await readFull(input, buf.subarray(0, len), pos);
        if (got !== len) throw new CliError(`${job.input}: changed while being read`);
        const plain = openChunk(dek, header, index, index === chunks - 1, buf.subarray(0, len), job.input);
        await writeAll(out.fh, [plain]);
        written += plain.length;
        pos += len;
        progress.update(pos - header.bytes.length);
      }
      progress.update(body, true);
      await out.commit();
      return written;
    } catch (e) {
      await out.abort();
      throw e;
    }
  } finally {
    dek?.fill(0);
    await input.close();
  }
}
