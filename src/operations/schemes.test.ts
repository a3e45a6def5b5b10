import { beforeAll, describe, expect, test, vi } from "vitest";
import type { Scheme } from "./scheme.ts";
import { SERVED_OPERATIONS } from "./dispatch.ts";
import { keyPairsFor, loadSchemes } from "./schemes.ts";

let SCHEMES: readonly Scheme[];
beforeAll(async () => {
  SCHEMES = await loadSchemes();
});

describe("the scheme registry", () => {
  test("scheme names are unique", () => {
    const names = SCHEMES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test("a key-pair algorithm belongs to one scheme only (no hidden precedence)", () => {
    const owners = new Map<string, string[]>();
    for (const s of SCHEMES)
      for (const a of s.keyPairs?.algorithms ?? []) owners.set(a, [...(owners.get(a) ?? []), s.name]);
    expect([...owners].filter(([, o]) => o.length > 1)).toEqual([]);
    expect(keyPairsFor("RSA")).toBe(SCHEMES.find((s) => s.name === "RSA")?.keyPairs);
    expect(keyPairsFor("MLDSA_44")?.algorithms).toContain("SLHDSA_SHAKE_256f");
    expect(keyPairsFor("AES")).toBeUndefined();
  });

  test("the operations a scheme declares are in the table of operations", () => {
    const declared = SCHEMES.flatMap((s) => s.operations ?? []);
    expect(declared).toEqual(["Certify", "ReCertify", "Validate"]);
    expect(declared.filter((o) => !SERVED_OPERATIONS.includes(o))).toEqual([]);
  });

  test("a lookup before the schemes are loaded is refused, never answered from a partial list", async () => {
    vi.resetModules(); // a new instance of schemes.ts, as at start-up
    const fresh = await import("./schemes.ts");
    expect(fresh.schemesLoaded()).toBe(false);
    expect(() => fresh.keyPairsFor("RSA")).toThrow(/before loadSchemes\(\) resolved/);
    const [a, b] = await Promise.all([fresh.loadSchemes(), fresh.loadSchemes()]);
    expect(a).toBe(b); // imported once
    expect(fresh.schemesLoaded()).toBe(true);
    expect(a.map((s: Scheme) => s.name)).toEqual(SCHEMES.map((s) => s.name));
  });
});
