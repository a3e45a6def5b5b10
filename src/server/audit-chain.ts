/**
 * The tamper-evident form of the audit trail, shared by the file and the database trail and by
 * `kms audit verify`. No I/O here.
 *
 * Canonical form: a record is ONE line of JSON (UTF-8, no trailing newline), hashed exactly as
 * stored. Fields, in this order:
 *   seq        1, 2, 3, ... with no gap (a removed record shows as a gap, a moved one as a step back);
 *              after k older records written before the chain existed, the chain starts at k + 1
 *   time       ISO 8601 UTC
 *   type       "event" or "checkpoint"
 *   ...        event fields (phase, requestId, user, client, operation, objectId, result)
 *   prev       lower-case hex SHA-256 of the previous record's line (64 zeros for the first)
 * A checkpoint is `{"seq","time","type":"checkpoint","records","keyId","prev"}` followed by
 * `,"mac":"<hex>"}`: the HMAC-SHA256, under the operator's audit key, of the line without that
 * suffix (i.e. of the bytes up to and including `"prev":"..."` then `}`). `keyId` is the first 16
 * hex digits of SHA-256(key), so a verifier given the wrong key says so.
 */
import { createHash, createHmac } from "node:crypto";
import { equalBytes } from "../crypto/bytes.ts";

export const GENESIS = "0".repeat(64);

/** What an event record says (every field but the chain's). */
export interface AuditFields {
  /** File trail: "intent" before an operation runs, "outcome" after. Absent in the database trail. */
  phase?: "intent" | "outcome";
  requestId: string;
  user: string;
  /** Client address and port, e.g. `203.0.113.7:51234` or `[2001:db8::1]:51234`. */
  client?: string;
  operation: string;
  objectId?: string;
  /** "Success", "Pending" (intent), "Undone", or the KMIP result reason of the failure. */
  result: string;
}

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
export const keyIdOf = (key: Uint8Array) => createHash("sha256").update(key).digest("hex").slice(0, 16);
const hmacHex = (key: Uint8Array, text: string) => createHmac("sha256", key).update(text, "utf8").digest("hex");

export function eventLine(seq: number, time: string, fields: AuditFields, prev: string): string {
  const { phase, requestId, user, client, operation, objectId, result } = fields;
  return JSON.stringify({
    seq,
    time,
    type: "event",
    phase,
    requestId,
    user,
    client,
    operation,
    objectId,
    result,
    prev,
  });
}

export function checkpointLine(seq: number, time: string, records: number, key: Uint8Array, prev: string): string {
  const body = JSON.stringify({ seq, time, type: "checkpoint", records, keyId: keyIdOf(key), prev });
  return `${body.slice(0, -1)},"mac":"${hmacHex(key, body)}"}`;
}

/** The chain's position after a line: the next record's seq and prev. */
export interface ChainHead {
  seq: number;
  prev: string;
}

/**
 * The chain's position after `line`. After `legacy` older records written before the chain existed
 * (lines without seq; their count is only needed when the last line is one of them), the chain
 * starts at seq legacy + 1 with the genesis prev.
 */
export function headAfter(line: string | undefined, legacy = 0): ChainHead {
  if (line === undefined) return { seq: 1, prev: GENESIS };
  const seq = (JSON.parse(line) as { seq?: unknown }).seq;
  if (seq === undefined) return { seq: legacy + 1, prev: GENESIS };
  if (!Number.isSafeInteger(seq)) throw new Error("the last audit record has no valid seq");
  return { seq: (seq as number) + 1, prev: sha256Hex(line) };
}

/** The chain's position after `line`, written at `head` (headAfter without parsing the line back). */
export const advance = (head: ChainHead, line: string): ChainHead => ({ seq: head.seq + 1, prev: sha256Hex(line) });

/** A line written before the chain existed. */
export const isLegacyLine = (line: string) => (JSON.parse(line) as { seq?: unknown }).seq === undefined;

export interface VerifyReport {
  ok: boolean;
  /** Records checked (events + checkpoints), legacy lines excluded. */
  records: number;
  events: number;
  checkpoints: number;
  /** Lines before the chain started (a trail written by an older server). */
  legacy: number;
  /** seq of the last checkpoint whose MAC was verified. */
  lastCheckpointSeq?: number;
  lastCheckpointTime?: string;
  /** Records after the last verified checkpoint: chained, but not covered by a MAC. */
  uncovered: number;
  /** Checkpoint MACs could not be checked (no key given). */
  macsUnchecked: boolean;
  /** First problem: where (e.g. "line 17") and what. */
  problem?: { where: string; what: string };
}

export interface TrailLine {
  /** How to name its place to the operator, e.g. "line 17" or "row seq 17". */
  where: string;
  text: string;
  /** Extra consistency check of a database row against its line (returns a problem, or undefined). */
  check?: (record: Record<string, unknown>) => string | undefined;
}

const HEX64 = /^[0-9a-f]{64}$/;
const MAC_SUFFIX = /,"mac":"([0-9a-f]{64})"\}$/;

/** Verifies a trail (in order). Stops at the first problem. */
export function verifyTrail(lines: Iterable<TrailLine>, key?: Uint8Array): VerifyReport {
  const r: VerifyReport = {
    ok: true,
    records: 0,
    events: 0,
    checkpoints: 0,
    legacy: 0,
    uncovered: 0,
    macsUnchecked: !key,
  };
  const fail = (where: string, what: string) => {
    r.ok = false;
    r.problem = { where, what };
    return r;
  };
  let expected: ChainHead = { seq: 1, prev: GENESIS }; // after k legacy lines: seq k + 1
  let previousWhere = "";
  let started = false;
  for (const { where, text, check } of lines) {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(text);
      if (typeof rec !== "object" || rec === null || Array.isArray(rec)) throw new Error();
    } catch {
      return fail(where, "not a JSON record (modified, or an incomplete write)");
    }
    if (!started && rec.seq === undefined && rec.prev === undefined) {
      r.legacy++; // written before the chain existed
      expected = { seq: r.legacy + 1, prev: GENESIS };
      continue;
    }
    started = true;
    const seq = rec.seq;
    if (!Number.isSafeInteger(seq)) return fail(where, "the record has no valid seq (modified)");
    if ((seq as number) > expected.seq)
      return fail(where, `record(s) missing or reordered: expected seq ${expected.seq}, found ${seq as number}`);
    if ((seq as number) < expected.seq)
      return fail(where, `record(s) reordered or duplicated: expected seq ${expected.seq}, found ${seq as number}`);
    if (typeof rec.prev !== "string" || !HEX64.test(rec.prev))
      return fail(where, "the record has no valid prev hash (modified)");
    if (rec.prev !== expected.prev) {
      return fail(
        where,
        seq === r.legacy + 1
          ? "the first record does not start the chain (records removed from the start)"
          : `the previous record (${previousWhere}) was modified: its SHA-256 is not the prev hash this record carries`,
      );
    }
    const problem = check?.(rec);
    if (problem) return fail(where, problem);
    if (rec.type === "event") {
      r.events++;
      r.uncovered++;
    } else if (rec.type === "checkpoint") {
      r.checkpoints++;
      const m = MAC_SUFFIX.exec(text);
      if (!m) return fail(where, "a checkpoint without a valid mac field (modified)");
      if (key) {
        if (rec.keyId !== keyIdOf(key))
          return fail(
            where,
            `the checkpoint was made with another audit key (key id ${String(rec.keyId)}, given ${keyIdOf(key)})`,
          );
        const body = text.slice(0, m.index) + "}";
        if (!equalBytes(Buffer.from(hmacHex(key, body), "hex"), Buffer.from(m[1], "hex")))
          return fail(
            where,
            "the checkpoint MAC is wrong: the trail up to here was rewritten (or the checkpoint forged)",
          );
        r.lastCheckpointSeq = seq as number;
        r.lastCheckpointTime = String(rec.time);
        r.uncovered = 0;
      }
    } else {
      return fail(where, `unknown record type ${JSON.stringify(rec.type)} (modified)`);
    }
    r.records++;
    expected = { seq: (seq as number) + 1, prev: sha256Hex(text) };
    previousWhere = where;
  }
  if (!key) r.uncovered = r.events;
  return r;
}

export function formatReport(r: VerifyReport, source: string): string {
  if (!r.ok)
    return `BROKEN ${source}: ${r.problem!.where}: ${r.problem!.what} (${r.records} records verified before it)`;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [
    `OK ${source}: ${plural(r.records, "record")} (${plural(r.events, "event")}, ${plural(r.checkpoints, "checkpoint")})`,
  ];
  if (r.legacy) parts.push(`${r.legacy} older unchained lines before the chain`);
  if (r.macsUnchecked) parts.push("checkpoint MACs NOT checked (no audit key given)");
  else if (r.lastCheckpointSeq !== undefined)
    parts.push(`last checkpoint at seq ${r.lastCheckpointSeq} (${r.lastCheckpointTime})`);
  else parts.push("no checkpoint yet");
  if (r.uncovered)
    parts.push(
      `${r.uncovered} event(s) after the last verified checkpoint are hash-chained only (a rewrite or tail truncation there is not detectable)`,
    );
  return parts.join("; ");
}
