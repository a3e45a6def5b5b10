import { describe, expect, test } from "vitest";
import { SERVED_OPERATIONS } from "./dispatch.ts";
import { keyPairsFor, SCHEMES } from "./schemes.ts";

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
});
