/**
 * The audit trail's canonical form (known-answer vectors computed with sha256sum and
 * `openssl dgst -sha256 -mac HMAC`) and what verification detects.
 */
import { describe, expect, test } from "vitest";
import {
  checkpointLine,
  eventLine,
  formatReport,
  GENESIS,
  headAfter,
  sha256Hex,
  verifyTrail,
  type AuditFields,
  type TrailLine,
} from "./audit-chain.ts";

const KEY = new Uint8Array(32).fill(1);
const fields: AuditFields = {
  phase: "outcome",
  requestId: "r1",
  user: "alice",
  client: "127.0.0.1:5000",
  operation: "Create",
  objectId: "k1",
  result: "Success",
};
const L1 =
  '{"seq":1,"time":"2026-01-01T00:00:00.000Z","type":"event","phase":"outcome","requestId":"r1","user":"alice","client":"127.0.0.1:5000","operation":"Create","objectId":"k1","result":"Success","prev":"' +
  "0".repeat(64) +
  '"}';
const H1 = "80fab0502a25c32a1d0472d1f58f6042abec648ae713fbaac0b60399cc7e3f25";
const L2 = `{"seq":2,"time":"2026-01-01T00:00:01.000Z","type":"checkpoint","records":1,"keyId":"72cd6e8422c407fb","prev":"${H1}","mac":"b6e0587c743f87c29997255797ab13c7a07c89a29a13ada4aa95d6a2bcc51780"}`;

const asTrail = (lines: string[]): TrailLine[] => lines.map((text, i) => ({ where: `line ${i + 1}`, text }));

/** A trail of `n` events with a checkpoint after every `every` events. */
function trail(n: number, every: number, key = KEY, legacy: string[] = []): string[] {
  const lines: string[] = [...legacy];
  let head = headAfter(legacy.at(-1), legacy.length);
  let since = 0;
  for (let i = 0; i < n; i++) {
    lines.push(
      eventLine(
        head.seq,
        `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`,
        { ...fields, requestId: `r${i}`, user: `user${i}` },
        head.prev,
      ),
    );
    head = headAfter(lines.at(-1));
    if (++since === every) {
      lines.push(checkpointLine(head.seq, "2026-01-01T00:01:00.000Z", head.seq - 1, key, head.prev));
      head = headAfter(lines.at(-1));
      since = 0;
    }
  }
  return lines;
}

describe("canonical form (known answers)", () => {
  test("an event line, its SHA-256, and a checkpoint's HMAC-SHA256", () => {
    expect(eventLine(1, "2026-01-01T00:00:00.000Z", fields, GENESIS)).toBe(L1);
    expect(sha256Hex(L1)).toBe(H1);
    expect(checkpointLine(2, "2026-01-01T00:00:01.000Z", 1, KEY, H1)).toBe(L2);
    expect(headAfter(L2)).toEqual({ seq: 3, prev: sha256Hex(L2) });
    expect(verifyTrail(asTrail([L1, L2]), KEY)).toMatchObject({
      ok: true,
      records: 2,
      events: 1,
      checkpoints: 1,
      lastCheckpointSeq: 2,
      uncovered: 0,
    });
  });
});

describe("verification", () => {
  test("an intact trail: OK with counts; events after the last checkpoint are reported as chained only", () => {
    const r = verifyTrail(asTrail(trail(10, 4)), KEY);
    expect(r).toMatchObject({
      ok: true,
      records: 12,
      events: 10,
      checkpoints: 2,
      lastCheckpointSeq: 10,
      uncovered: 2,
      macsUnchecked: false,
    });
    expect(formatReport(r, "audit.log")).toMatch(
      /^OK audit\.log: 12 records \(10 events, 2 checkpoints\); last checkpoint at seq 10 .*; 2 event\(s\) after the last verified checkpoint/,
    );
    expect(verifyTrail(asTrail(trail(10, 4)))).toMatchObject({ ok: true, macsUnchecked: true, uncovered: 10 });
  });

  test("a modified record is found by the next record's prev hash", () => {
    const lines = trail(10, 4);
    lines[2] = lines[2].replace('"user":"user2"', '"user":"mallory"');
    const r = verifyTrail(asTrail(lines), KEY);
    expect(r.problem).toEqual({
      where: "line 4",
      what: "the previous record (line 3) was modified: its SHA-256 is not the prev hash this record carries",
    });
    expect(formatReport(r, "f")).toBe(
      "BROKEN f: line 4: the previous record (line 3) was modified: its SHA-256 is not the prev hash this record carries (3 records verified before it)",
    );
  });

  test("a removed record shows as a gap in seq, a moved one as a step back", () => {
    const removed = trail(10, 4);
    removed.splice(3, 1);
    expect(verifyTrail(asTrail(removed), KEY).problem).toEqual({
      where: "line 4",
      what: "record(s) missing or reordered: expected seq 4, found 5",
    });
    const reordered = trail(10, 4);
    [reordered[5], reordered[6]] = [reordered[6], reordered[5]];
    expect(verifyTrail(asTrail(reordered), KEY).problem).toEqual({
      where: "line 6",
      what: "record(s) missing or reordered: expected seq 6, found 7",
    });
    const duplicated = trail(6, 4);
    duplicated.splice(3, 0, duplicated[2]);
    expect(verifyTrail(asTrail(duplicated), KEY).problem).toEqual({
      where: "line 4",
      what: "record(s) reordered or duplicated: expected seq 4, found 3",
    });
    const headless = trail(6, 4).slice(2);
    expect(verifyTrail(asTrail(headless), KEY).problem?.what).toBe(
      "record(s) missing or reordered: expected seq 1, found 3",
    );
  });

  test("a rewrite with the chain recomputed (no key) is caught by the next checkpoint's MAC; a checkpoint made with another key is named", () => {
    const lines = trail(8, 4);
    // the attacker edits record 2 and re-chains records 3.. up to the checkpoint, but cannot compute its MAC
    const forged: string[] = [lines[0]];
    let head = headAfter(lines[0]);
    for (const original of lines.slice(1)) {
      const rec = JSON.parse(original);
      let line: string;
      if (rec.type === "event")
        line = eventLine(head.seq, rec.time, { ...rec, user: rec.seq === 2 ? "mallory" : rec.user }, head.prev);
      else line = original.replace(/"prev":"[0-9a-f]{64}"/, `"prev":"${head.prev}"`);
      forged.push(line);
      head = headAfter(line);
    }
    expect(verifyTrail(asTrail(forged), KEY).problem).toEqual({
      where: "line 5",
      what: "the checkpoint MAC is wrong: the trail up to here was rewritten (or the checkpoint forged)",
    });
    expect(verifyTrail(asTrail(forged)).ok).toBe(true); // without the key only the chain is checked
    expect(verifyTrail(asTrail(trail(8, 4)), new Uint8Array(32).fill(2)).problem?.what).toMatch(
      /^the checkpoint was made with another audit key \(key id 72cd6e8422c407fb, given [0-9a-f]{16}\)$/,
    );
  });

  test("tail truncation: after the last checkpoint it cannot be told from a shorter trail; inside a line it can", () => {
    const lines = trail(10, 4);
    expect(verifyTrail(asTrail(lines.slice(0, 10)), KEY)).toMatchObject({
      ok: true,
      lastCheckpointSeq: 10,
      uncovered: 0,
    });
    const torn = [...lines.slice(0, 11), lines[11].slice(0, 40)];
    expect(verifyTrail(asTrail(torn), KEY).problem).toEqual({
      where: "line 12",
      what: "not a JSON record (modified, or an incomplete write)",
    });
  });

  test("lines written before the chain existed are counted as legacy (the chain starts after them), and refused once the chain has started", () => {
    const legacy = [
      '{"time":"2025-01-01T00:00:00.000Z","requestId":"x","user":"a","operation":"Get","result":"Success"}',
      '{"time":"2025-01-01T00:00:01.000Z","requestId":"y","user":"a","operation":"Get","result":"Success"}',
    ];
    const upgraded = trail(4, 4, KEY, legacy);
    expect(JSON.parse(upgraded[2])).toMatchObject({ seq: 3, prev: GENESIS });
    expect(verifyTrail(asTrail(upgraded), KEY)).toMatchObject({
      ok: true,
      legacy: 2,
      records: 5,
      lastCheckpointSeq: 7,
    });
    expect(verifyTrail(asTrail(upgraded.slice(1)), KEY).problem).toEqual({
      where: "line 2",
      what: "record(s) missing or reordered: expected seq 2, found 3",
    });
    const lines = trail(4, 4);
    expect(verifyTrail(asTrail([...lines.slice(0, 2), legacy[0], ...lines.slice(2)]), KEY).problem).toEqual({
      where: "line 3",
      what: "the record has no valid seq (modified)",
    });
  });
});
