/**
 * Crash safety, short version for CI: three SIGKILLs at random moments under concurrent load.
 * The long version is `bun bench/crash-soak.ts`.
 */
import { afterAll, expect, test } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { crashRound, emptyAck } from "./crash-harness.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "kms-crash-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test("acknowledged writes survive SIGKILL; nothing half-written; the database stays sound", async () => {
  const ack = emptyAck();
  let requests = 0;
  for (const killAfter of [300 + Math.random() * 400, 200 + Math.random() * 600, 500 + Math.random() * 500]) {
    const round = await crashRound(dataDir, ack, killAfter);
    requests += round.requests;
    expect(round.problems).toEqual([]);
    expect(round.integrity).toBe("ok");
  }
  expect(ack.created.size + ack.imported.size).toBeGreaterThan(10);
  expect(requests).toBeGreaterThan(50);
}, 120_000);
