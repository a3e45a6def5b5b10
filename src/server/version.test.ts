import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { buildCommit, gitCommit, VERSION, VERSION_STRING } from "./version.ts";

describe("version", () => {
  it("is the package.json version, a semantic version", () => {
    expect(VERSION).toBe(pkg.version);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/);
  });

  it("names the commit of the checkout, and none outside a git repository", () => {
    expect(gitCommit(import.meta.dirname)).toMatch(/^[0-9a-f]{12}$/);
    expect(buildCommit()).toBe(gitCommit(import.meta.dirname));
    expect(VERSION_STRING).toBe(`${VERSION} (commit ${buildCommit()}; TS KMS, Bun)`);
    const empty = mkdtempSync(path.join(tmpdir(), "no-git-"));
    try {
      expect(gitCommit(empty)).toBeUndefined();
      expect(gitCommit(path.join(empty, "missing"))).toBeUndefined();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
