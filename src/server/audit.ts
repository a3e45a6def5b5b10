/**
 * The audit trail: who did what to which object, with what result, from which address. Clients
 * cannot turn it off; the server's configuration chooses where it goes: a JSON-lines file (default
 * `<data-dir>/audit.log`) or the database (`audit` table). Records hold identifiers only, never key
 * material or data. Records are hash-chained and checkpointed with an HMAC (audit-chain.ts).
 *
 * An acknowledged operation always has its record, and a failed audit write never turns a committed
 * operation into an error:
 * - database: the record is written in the same transaction as the operation (both or neither);
 * - file: an "intent" record is written before an operation that changes something runs (if it
 *   cannot be, the operation is refused before it runs), and an "outcome" record after; if the
 *   outcome cannot be written the real result is answered and the failure is logged as an error.
 *   A read-only operation (its answer is its only effect) has one outcome record, and its answer is
 *   withheld unless that record is on disk.
 * Durability: records of requests answered in the same turn of the event loop are written together
 * (group commit): one write plus one fdatasync, and only then are the callers' answers sent. One
 * fdatasync is on its way to the disk at a time (off the event loop); records arriving meanwhile go
 * in the next commit.
 */
import {
  closeSync,
  fdatasync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { ObjectStore } from "../store/store.ts";
import type { Logger } from "./log.ts";
import {
  checkpointLine,
  eventLine,
  GENESIS,
  headAfter,
  isLegacyLine,
  advance,
  type AuditFields,
  type ChainHead,
} from "./audit-chain.ts";

export type { AuditFields };

const fdatasyncAsync = promisify(fdatasync);
/**
 * Writes all of `text` (a short write is continued). Synchronously: a few kilobytes into the page
 * cache take microseconds (as SQLite's own writes on this thread), while handing each write to the
 * thread pool cost the event loop several times that per commit (measured under load).
 */
function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text, "utf8");
  while (buf.length) buf = buf.subarray(writeSync(fd, buf));
}

export interface AuditOptions {
  /** HMAC-SHA256 key of the checkpoints (see loadAuditKey). */
  key: Uint8Array;
  /** A checkpoint after this many records ... */
  checkpointRecords: number;
  /** ... or this many seconds after the first record not yet covered, whichever comes first. */
  checkpointSeconds: number;
  /**
   * File trail: "answer" (the default) = an outcome record is fdatasync'ed before its answer goes
   * out; "background" = it is written before its answer and the fdatasync that follows within
   * BACKGROUND_FLUSH_MS is not waited for (a crash of the process loses no record; a power loss may
   * lose the records of the last few milliseconds).
   */
  sync?: "answer" | "background";
  log: Logger;
}

/** The audit trail cannot be written: the operation was not run (or was rolled back). */
export class AuditUnavailable extends Error {}

export interface AuditSink {
  /** File trail: writes the intent record; throws AuditUnavailable if it cannot (do not run the operation). Database: nothing. */
  intent(fields: AuditFields): Promise<void>;
  /**
   * Runs `work` and records `records(result)` for it. Database: in the same transaction as the
   * work's writes (an audit failure rolls the work back: AuditUnavailable). File: after the work
   * (a failure is logged, never thrown). Errors of `work` itself are rethrown unrecorded.
   *
   * `readOnly`: the work changes nothing a client can see but its answer (Encrypt, Get, Locate...),
   * so no intent record preceded it; its one record must be on disk before the answer is released.
   * File: a failure to write it throws AuditUnavailable (the answer is withheld, as if never run).
   */
  committed<T>(work: () => Promise<T>, records: (result: T) => AuditFields[], readOnly?: boolean): Promise<T>;
  /** Records something that changed nothing (refused, failed): a write failure is logged, never thrown. */
  append(...records: AuditFields[]): Promise<void>;
  /**
   * Runs a request's handling, counted as in flight: the file trail lets requests in flight reach
   * their record before it flushes, so one fdatasync covers them all (see FileAuditSink.gather).
   */
  track<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Records the failure of a read-only request, which had no intent record: its answer may go out
   * only once this is written (file: fdatasync'ed), else AuditUnavailable is thrown.
   */
  failedReadOnly(...records: AuditFields[]): Promise<void>;
  readonly where: string;
  close(): Promise<void>;
}

/** Reads the audit key (64 hex digits), or creates it (0600) when the file does not exist. */
export function loadAuditKey(file: string, log: Logger): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw new Error(`cannot read the audit key file ${file}: ${(e as Error).message}`);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const key = randomBytes(32);
    writeFileSync(file, key.toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    log.warn("audit key generated: keep a copy away from the server; it authenticates the audit checkpoints", {
      file: path.resolve(file),
    });
    return new Uint8Array(key);
  }
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`the audit key file ${file} must hold 64 hex digits (32 bytes)`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** The last line of a file (without its newline), or undefined when empty; throws on a torn last line. */
export function lastLineOf(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    for (let span = 4096; ; span *= 2) {
      const start = Math.max(0, size - span);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      if (buf[buf.length - 1] !== 0x0a)
        throw new Error(
          `the audit trail ${file} ends with an incomplete record; check it with \`kms audit verify\` and move it aside`,
        );
      const cut = buf.lastIndexOf(0x0a, buf.length - 2);
      if (cut >= 0 || start === 0) return buf.subarray(cut + 1, buf.length - 1).toString("utf8");
    }
  } finally {
    closeSync(fd);
  }
}

/** Checkpoint bookkeeping shared by both trails. */
class Checkpoints {
  since = 0;
  private timer: ReturnType<typeof setInterval>;
  private oldest = 0;
  constructor(
    private readonly o: AuditOptions,
    onTimer: () => void,
  ) {
    this.timer = setInterval(
      () => {
        if (this.since > 0 && Date.now() - this.oldest >= o.checkpointSeconds * 1000) onTimer();
      },
      Math.max(200, Math.min(o.checkpointSeconds * 1000, 5000)),
    );
    this.timer.unref?.();
  }
  counted(n: number): boolean {
    if (this.since === 0 && n > 0) this.oldest = Date.now();
    this.since += n;
    return this.since >= this.o.checkpointRecords;
  }
  reset() {
    this.since = 0;
  }
  stop() {
    clearInterval(this.timer);
  }
}

const outcomes = (records: AuditFields[]) => records.map((r) => ({ ...r, phase: "outcome" as const }));

/** Longest a flush waits for requests in flight to reach their record (see FileAuditSink.gather). */
const GATHER_MS = 1;
/** --audit-sync background: records are flushed this long after they are written, many at once. */
const BACKGROUND_FLUSH_MS = 5;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FileAuditSink implements AuditSink {
  private readonly fd: number;
  private head: ChainHead;
  private pending: (AuditFields | "checkpoint")[] = [];
  /** The commit gathering records now: resolves once its lines are written, and once they are fdatasync'ed. */
  private next: { written: Promise<void>; synced: Promise<void> } | undefined;
  /** The last commit's write (settled or not): commits write in order. */
  private lastWrite: Promise<void> = Promise.resolve();
  /** The last commit's fdatasync (settled or not). */
  private lastSync: Promise<void> = Promise.resolve();
  private staged: ChainHead | undefined;
  /** The flush under way (gathering, then its fdatasync), and the one queued behind it (see requestSync). */
  private syncing: Promise<void> | undefined;
  /** The flush under way has begun its fdatasync: later writes need the next one. */
  private flushing = false;
  private queuedSync: Promise<void> | undefined;
  /** Requests in flight (track), and callers waiting for a flush: when every request in flight waits, none will add a record. */
  private active = 0;
  private waiting = 0;
  private readonly checkpoints: Checkpoints;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly o: AuditOptions,
  ) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const last = lastLineOf(file);
    // a trail of an older server (no chain): the chain starts after its lines (counted once)
    this.head = headAfter(
      last,
      last !== undefined && isLegacyLine(last) ? readFileSync(file, "utf8").split("\n").length - 1 : 0,
    );
    this.fd = openSync(file, "a", 0o600);
    this.checkpoints = new Checkpoints(o, () => void this.write(["checkpoint"], "synced").catch(() => {}));
  }

  get where() {
    return this.file;
  }

  /**
   * Queues records for the next group commit. One commit writes at a time, in order: records
   * arriving meanwhile go together in the next, so the event loop never blocks on the disk and a
   * busy server makes one write and one fdatasync for many requests. `until` says what the caller
   * waits for: "written" (in the file, so a crash of the process cannot lose it: intent records,
   * which only have to precede the operation) or "synced" (fdatasync'ed, so a power loss cannot
   * lose it either: outcome records, before the answer goes out; that fdatasync also covers the
   * intent written before it). Waiting for one fdatasync per request instead of two is what keeps
   * the trail from halving the request rate.
   */
  private write(records: (AuditFields | "checkpoint")[], until: "written" | "synced"): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailable("the audit trail is closed"));
    this.pending.push(...records);
    // background: the answer waits for the write only; the flush follows (see BACKGROUND_FLUSH_MS)
    if (until === "synced" && this.o.sync === "background") until = "written";
    if (!this.next) {
      const previous = this.lastWrite;
      const unavailable = (e: unknown) => {
        this.o.log.error("AUDIT TRAIL WRITE FAILED", { file: this.file, error: (e as Error).message });
        return new AuditUnavailable(
          `the audit trail cannot be written (${(e as NodeJS.ErrnoException).code ?? "error"})`,
        );
      };
      const commit = (async () => {
        await previous;
        await nextTurn(); // gather the records of this turn
        this.next = undefined; // records from now on go to the commit after this one
        const text = this.take();
        // the fdatasync travels in an object: returned bare, the async function would wait for it
        if (!text) return { sync: Promise.resolve() };
        try {
          writeAll(this.fd, text);
        } catch (e) {
          throw unavailable(e);
        }
        this.head = this.staged!; // only once written: a failed write leaves the chain where the file is
        return {
          sync: this.requestSync().catch((e) => {
            throw unavailable(e);
          }),
        };
      })();
      const written = commit.then(() => {});
      const synced = commit.then(({ sync }) => sync);
      synced.catch(() => {}); // an intent-only commit has no one waiting for its fdatasync
      this.next = { written, synced };
      this.lastWrite = written.catch(() => {});
      this.lastSync = synced.catch(() => {});
    }
    if (until === "written") return this.next.written;
    this.waiting++;
    return this.next.synced.finally(() => this.waiting--);
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
    }
  }

  /**
   * Resolves when an fdatasync that began after this call has completed. At most one fdatasync runs
   * at a time: the commits written while one runs share the next one. (Starting one per commit
   * fills the thread pool with flushes, and the next commits' writes wait behind them.) Each
   * fdatasync costs the machine far more than the few records it carries (in a virtual machine,
   * an exit to the hypervisor), so a flush first gathers (see gather).
   */
  private requestSync(): Promise<void> {
    if (this.syncing && !this.flushing) return this.syncing; // its fdatasync has not begun: it covers this write
    if (!this.syncing) {
      this.flushing = false;
      this.syncing = (async () => {
        await this.gather();
        this.flushing = true;
        await fdatasyncAsync(this.fd);
      })().finally(() => {
        this.syncing = undefined;
      });
      return this.syncing;
    }
    this.queuedSync ??= this.syncing
      .catch(() => {})
      .then(() => {
        this.queuedSync = undefined;
        return this.requestSync();
      });
    return this.queuedSync;
  }

  /**
   * Before a flush: while a commit is gathering records or some request in flight has not reached
   * its record yet (more requests in flight than callers waiting), give them turns of the event
   * loop, for at most GATHER_MS, so that one fdatasync covers them too instead of the next one.
   * An idle server flushes at once; a busy one makes one flush per round of requests.
   * Background mode flushes BACKGROUND_FLUSH_MS after the first record written since the last one.
   */
  private async gather(): Promise<void> {
    if (this.o.sync === "background") {
      await new Promise((resolve) => setTimeout(resolve, BACKGROUND_FLUSH_MS));
      return;
    }
    const until = performance.now() + GATHER_MS;
    while ((this.next || this.active > this.waiting) && performance.now() < until) await nextTurn();
  }

  /** Chains the pending records into lines (the new head goes to `staged`); "" when there are none. */
  private take(): string {
    const records = this.pending;
    this.pending = [];
    const time = new Date().toISOString();
    let head = this.head;
    const lines: string[] = [];
    const add = (line: string) => {
      lines.push(line);
      head = advance(head, line);
    };
    const checkpoint = () => {
      add(checkpointLine(head.seq, time, head.seq - 1, this.o.key, head.prev));
      this.o.log.info("audit checkpoint", { seq: head.seq - 1, hash: head.prev });
      this.checkpoints.reset();
    };
    for (const r of records) {
      if (r === "checkpoint") {
        if (this.checkpoints.since > 0) checkpoint();
        continue;
      }
      add(eventLine(head.seq, time, r, head.prev));
      if (this.checkpoints.counted(1)) checkpoint();
    }
    this.staged = head;
    return lines.length ? lines.join("\n") + "\n" : "";
  }

  async intent(fields: AuditFields): Promise<void> {
    await this.write([{ ...fields, phase: "intent", result: "Pending" }], "written");
  }

  async committed<T>(work: () => Promise<T>, records: (result: T) => AuditFields[], readOnly = false): Promise<T> {
    const result = await work();
    if (readOnly)
      await this.failedReadOnly(...records(result)); // same rule as a failure: withheld unless on disk
    else await this.append(...records(result));
    return result;
  }

  failedReadOnly(...records: AuditFields[]): Promise<void> {
    return this.write(outcomes(records), "synced");
  }

  async append(...records: AuditFields[]): Promise<void> {
    try {
      await this.write(outcomes(records), "synced");
    } catch (e) {
      this.o.log.error("AUDIT RECORD LOST: an operation ran but its outcome record could not be written", {
        records: records.map((r) => `${r.requestId} ${r.user} ${r.operation} ${r.result}`),
        error: (e as Error).message,
      });
    }
  }

  async close(): Promise<void> {
    this.checkpoints.stop();
    if (this.checkpoints.since > 0 || this.pending.length) await this.write(["checkpoint"], "synced").catch(() => {});
    await this.lastWrite;
    await this.lastSync;
    this.closed = true;
    closeSync(this.fd);
  }
}

/**
 * The trail in the database: each record is inserted in the transaction of the operation it
 * records, chained to the row before it (read in that same transaction, so the chain follows the
 * commit order).
 */
export class DatabaseAuditSink implements AuditSink {
  private readonly checkpoints: Checkpoints;
  readonly where = "database";

  constructor(
    private readonly store: ObjectStore,
    private readonly o: AuditOptions,
  ) {
    this.checkpoints = new Checkpoints(
      o,
      () => void this.store.atomic(async () => this.insert([], true)).catch((e) => this.lost([], e)),
    );
  }

  /** Inside the caller's transaction. */
  private async insert(records: AuditFields[], forceCheckpoint = false): Promise<void> {
    const last = await this.store.lastAuditRecord();
    // rows of an older server (no line): the chain starts after them
    let head = !last
      ? headAfter(undefined)
      : last.line === null
        ? { seq: last.seq + 1, prev: GENESIS }
        : headAfter(last.line);
    const time = new Date().toISOString();
    const checkpoint = async () => {
      const line = checkpointLine(head.seq, time, head.seq - 1, this.o.key, head.prev);
      await this.store.appendAudit({
        seq: head.seq,
        line,
        time,
        requestId: "-",
        user: "-",
        operation: "(checkpoint)",
        result: "-",
      });
      this.o.log.info("audit checkpoint", { seq: head.seq - 1, hash: head.prev });
      head = advance(head, line);
      this.checkpoints.reset();
    };
    for (const r of records) {
      const line = eventLine(head.seq, time, r, head.prev);
      await this.store.appendAudit({ seq: head.seq, line, time, ...r });
      head = advance(head, line);
      if (this.checkpoints.counted(1)) await checkpoint();
    }
    if (forceCheckpoint && this.checkpoints.since > 0) await checkpoint();
  }

  async intent(): Promise<void> {}

  track<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  async committed<T>(work: () => Promise<T>, records: (result: T) => AuditFields[]): Promise<T> {
    let auditFailure: unknown;
    try {
      return await this.store.atomic(async () => {
        const result = await work();
        try {
          await this.insert(records(result));
        } catch (e) {
          auditFailure = e;
          throw e;
        }
        return result;
      });
    } catch (e) {
      if (auditFailure === undefined) throw e;
      this.o.log.error("AUDIT TRAIL WRITE FAILED: the operation was rolled back", { error: String(auditFailure) });
      throw new AuditUnavailable("the audit trail cannot be written");
    }
  }

  async append(...records: AuditFields[]): Promise<void> {
    try {
      await this.store.atomic(() => this.insert(records));
    } catch (e) {
      this.lost(records, e);
    }
  }

  /** A failure answer carries no data; when the database cannot take its record it is usually down too: answered, and logged. */
  failedReadOnly(...records: AuditFields[]): Promise<void> {
    return this.append(...records);
  }

  private lost(records: AuditFields[], e: unknown) {
    this.o.log.error("AUDIT RECORD LOST", {
      records: records.map((r) => `${r.requestId} ${r.user} ${r.operation} ${r.result}`),
      error: String(e),
    });
  }

  async close(): Promise<void> {
    this.checkpoints.stop();
    if (this.checkpoints.since > 0)
      await this.store.atomic(async () => this.insert([], true)).catch((e) => this.lost([], e));
  }
}

/** `host:port` of a peer, with IPv6 in brackets (and IPv4-mapped IPv6 shown as IPv4). */
export function peerAddress(peer: { address: string; port: number } | null | undefined): string | undefined {
  if (!peer) return undefined;
  const address =
    peer.address.startsWith("::ffff:") && peer.address.includes(".") ? peer.address.slice(7) : peer.address;
  return address.includes(":") ? `[${address}]:${peer.port}` : `${address}:${peer.port}`;
}

/** Longest object id kept in a record: a client-chosen id cannot make records (each fdatasync'ed) huge. */
const MAX_OBJECT_ID = 512;

/** The object id an operation concerns: from its response, else its request (cut to MAX_OBJECT_ID characters, marked with "..."). */
export function objectIdOf(
  request: Record<string, unknown> | undefined,
  response?: Record<string, unknown>,
): string | undefined {
  const cut = (id: string) => (id.length > MAX_OBJECT_ID ? `${id.slice(0, MAX_OBJECT_ID)}...` : id);
  for (const r of [response, request]) {
    if (!r) continue;
    for (const key of ["UniqueIdentifier", "PrivateKeyUniqueIdentifier"]) {
      const v = r[key];
      if (typeof v === "string") return cut(v);
      if (Array.isArray(v) && typeof v[0] === "string") return cut(v.join(","));
    }
  }
  return undefined;
}
