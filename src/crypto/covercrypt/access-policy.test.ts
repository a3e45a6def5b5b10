// Cosmian v14 access-policy parser quirks (abe_policy/access_policy.rs) and partition sets.
import { describe, expect, it } from "vitest";
import * as ap from "./access-policy.ts";
import * as policyEdit from "./policy-edit.ts";
import { CoverCryptError } from "./errors.ts";

const policy = policyEdit.create([
  { name: "Security Level", attributes: [{ name: "Low" }, { name: "Medium" }, { name: "High" }], hierarchical: true },
  { name: "Department", attributes: [{ name: "HR" }, { name: "FIN" }, { name: "MKG" }], hierarchical: false },
]);
const parts = (e: string, cascade = false) => [...ap.toPartitions(e, policy, cascade).keys()].sort();

describe("access policy parser", () => {
  it("parses attributes with spaces trimmed around separators only", () => {
    expect(ap.parse("  Department :: HR ")).toEqual({ type: "attr", dimension: "Department", name: "HR" });
    expect(ap.parse("Security Level::Top Secret")).toEqual({
      type: "attr",
      dimension: "Security Level",
      name: "Top Secret",
    });
    expect(ap.sanitize("( A::b c || d e::F )")).toBe("(A::b c||d e::F)");
  });

  it("is right-associative without precedence", () => {
    expect(ap.toString(ap.parse("A::a && B::b || C::c"))).toBe("(A::a && (B::b || C::c))");
    expect(ap.toString(ap.parse("A::a || B::b && C::c"))).toBe("(A::a || (B::b && C::c))");
    expect(ap.toString(ap.parse("(A::a || B::b) && C::c || D::d"))).toBe("((A::a || B::b) && (C::c || D::d))");
    expect(ap.toString(ap.parse("((A::a))"))).toBe("A::a");
  });

  it("reports Cosmian's errors", () => {
    expect(() => ap.parse("Department")).toThrow(
      "InvalidBooleanExpression(\"'Department' does not contain any attribute separator '::'. Example: (Department::HR || Department::RnD) && Level::level_2\")",
    );
    expect(() => ap.parse("")).toThrow("'(' does not contain any attribute separator");
    expect(() => ap.parse("(A::a")).toThrow('InvalidBooleanExpression("closing parenthesis missing in A::a")');
    expect(() => ap.parse("A::b::c")).toThrow("does not respect the format <dimension::name>");
    expect(() => ap.parse("(A::a)!!B::b")).toThrow('UnsupportedOperator("!!")');
    expect(() => ap.parse("A::a &&")).toThrow("InvalidBooleanExpression");
  });
});

describe("partitions", () => {
  it("encryption does not cascade, user keys do", () => {
    expect(parts("Security Level::Medium")).toEqual(["0204", "0205", "0206"]);
    expect(parts("Security Level::Medium && Department::HR", true)).toEqual(["0104", "0204"]);
    expect(parts("Department::FIN", true)).toEqual(["0105", "0205", "0305"]);
  });

  it("two attributes of one dimension under && behave like OR", () => {
    expect(parts("Department::HR && Department::FIN")).toEqual(["0104", "0105", "0204", "0205", "0304", "0305"]);
  });

  it("overlapping combinations are ExistingCombination, unknown names are errors", () => {
    expect(() => parts("Department::HR || Security Level::Low")).toThrow(
      'ExistingCombination("[Security Level::Low]")',
    );
    expect(() => parts("Security Level::Medium || Security Level::Low", true)).toThrow(
      'ExistingCombination("[Security Level::Low]")',
    );
    expect(parts("Security Level::Medium || Security Level::Low")).toHaveLength(6);
    expect(() => parts("Department::Nope")).toThrow('AttributeNotFound("Department::Nope")');
    expect(() => parts("Nope::HR")).toThrow('DimensionNotFound("Nope")');
  });
});

/**
 * Rust's parser as first transcribed (quadratic: every level re-sanitizes and re-encodes the rest
 * of the expression), kept as the reference the linear parser must agree with.
 */
const reference = (() => {
  const EXAMPLE = "(Department::HR || Department::RnD) && Level::level_2";
  const enc = new TextEncoder();
  const dec = new TextDecoder("utf-8", { fatal: true });
  const invalid = (m: string) => new CoverCryptError("InvalidBooleanExpression", m);
  const slice = (b: Uint8Array, s: number, e = b.length) => {
    try {
      return dec.decode(b.subarray(s, e));
    } catch {
      throw invalid(`byte index ${s}..${e} is not a char boundary`);
    }
  };
  const decompose = (expr: string, split: number): [string, string?, string?] => {
    const b = enc.encode(expr);
    if (split > b.length)
      throw invalid(
        `Cannot split boolean expression ${expr} at position ${split} since ${split} is greater than the size of ${expr}`,
      );
    const left = slice(b, 0, split);
    if (split === b.length) return [left];
    let pos = split;
    if ([...expr][split] === ")") pos += 1;
    if (pos === b.length) return [left];
    if (pos + 2 > b.length)
      throw invalid(
        `Cannot split boolean expression ${expr} at position ${pos + 2} since it is greater than the size of ${expr}`,
      );
    return [left, slice(b, pos, pos + 2), slice(b, pos + 2)];
  };
  const combine = (op: string, l: string, r: string): ap.AccessPolicy => {
    const left = parse(l);
    const right = parse(r);
    if (op === "&&") return { type: "and", left, right };
    if (op === "||") return { type: "or", left, right };
    throw new CoverCryptError("UnsupportedOperator", op);
  };
  function parse(expression: string): ap.AccessPolicy {
    const expr = ap.sanitize(expression);
    if (!expr.includes("::"))
      throw invalid(`'${expr}' does not contain any attribute separator '::'. Example: ${EXAMPLE}`);
    if (expr.startsWith("(")) {
      const inner = expr.slice(1);
      if (!inner.includes(")")) throw invalid(`closing parenthesis missing in ${inner}`);
      let depth = 0;
      let close = -1;
      let index = 0;
      for (const ch of inner) {
        if (ch === "(") depth++;
        else if (ch === ")") depth--;
        if (depth < 0) {
          close = index;
          break;
        }
        index++;
      }
      if (close < 0) throw invalid(`Missing closing parenthesis in boolean expression ${inner}`);
      const [left, op, right] = decompose(inner, close);
      return op === undefined ? parse(left) : combine(op, left, right!);
    }
    const b = enc.encode(expr);
    const find = (c: number) => {
      for (let i = 0; i + 1 < b.length; i++) if (b[i] === c && b[i + 1] === c) return i;
      return -1;
    };
    const or = find(0x7c);
    const and = find(0x26);
    const position = or < 0 && and < 0 ? 0 : or < 0 ? and : and < 0 ? or : Math.min(or, and);
    if (position === 0) {
      const parts = expr.split("::");
      if (parts.length !== 2 || !parts[0] || !parts[1])
        throw invalid(`'${expr}' does not respect the format <dimension::name>. Example: ${EXAMPLE}`);
      return { type: "attr", dimension: parts[0], name: parts[1] };
    }
    const [left, op, right] = decompose(expr, position);
    return op === undefined ? parse(left) : combine(op, left, right!);
  }
  return parse;
})();

const outcome = (f: () => ap.AccessPolicy) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe("access policy parser: linear time, bounded depth", () => {
  it("agrees with the literal transcription of Rust's parser on 20,000 random expressions (results and error messages)", () => {
    const pieces = [
      "A",
      "Bé",
      "字",
      "𝄞",
      "x y",
      ":",
      "::",
      "::",
      "(",
      ")",
      "(",
      ")",
      "||",
      "&&",
      "|",
      "&",
      " ",
      "  ",
      "\u3000",
      "\t",
      "!!",
      "Dep::HR",
    ];
    let seed = 20261202;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let i = 0; i < 20_000; i++) {
      const expr = Array.from({ length: 1 + rand(24) }, () => pieces[rand(pieces.length)]).join("");
      expect(
        outcome(() => ap.parse(expr)),
        expr,
      ).toEqual(outcome(() => reference(expr)));
    }
  });

  it("agrees on 10,000 random expression trees, some of them damaged", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const names = ["A::a", "Bé::字", "x y::z", "𝄞::q", "D::R & D", "E::e"];
    const space = () => ["", "", " ", "  ", "\u3000"][rand(5)];
    const tree = (depth: number): string => {
      if (depth === 0 || rand(3) === 0) return names[rand(names.length)];
      const op = ["&&", "||", "&&", "||", "!!"][rand(5)];
      const t = `${tree(depth - 1)}${space()}${op}${space()}${tree(depth - 1)}`;
      return rand(2) ? `(${space()}${t}${space()})` : t;
    };
    let parsed = 0;
    for (let i = 0; i < 10_000; i++) {
      let expr = tree(1 + rand(4));
      if (rand(3) === 0) {
        const at = rand(expr.length + 1);
        expr = rand(2)
          ? expr.slice(0, at) + expr.slice(at + 1)
          : expr.slice(0, at) + ["(", ")", "|", ":", " "][rand(5)] + expr.slice(at);
      }
      const mine = outcome(() => ap.parse(expr));
      expect(mine, JSON.stringify(expr)).toEqual(outcome(() => reference(expr)));
      if ("ok" in mine) parsed++;
    }
    expect(parsed).toBeGreaterThan(3000); // about half parse: both outcomes are well exercised
  });

  it("agrees on well-formed expressions with spaces, nesting and non-ASCII names", () => {
    for (const e of [
      "(Département::RH || Département::R&D) && Niveau::Très secret",
      "((A::a || B::b) && (C::c || (D::d && E::e))) || F::f",
      "A::a||B::b&&C::c||D::d",
      " ( A::é ) && ( B::字 ) ",
      "(A::a)",
      "(A::a) && ",
      "(字::a)||B::b",
      "Dim::R & D || Dim::x",
      "a | ||b::c",
    ]) {
      expect(
        outcome(() => ap.parse(e)),
        e,
      ).toEqual(outcome(() => reference(e)));
    }
  });

  it("1 MB of parentheses: a clear error; 32,000 levels within the length limit: a clear depth error", () => {
    expect(() => ap.parse("(".repeat(500_000) + "A::a" + ")".repeat(500_000))).toThrow(
      `longer than ${ap.MAX_LENGTH} characters`,
    );
    const deep = "(".repeat(32_000) + "A::a" + ")".repeat(32_000);
    expect(deep.length).toBeLessThanOrEqual(ap.MAX_LENGTH);
    expect(() => ap.parse(deep)).toThrow(`parentheses nested deeper than ${ap.MAX_DEPTH} levels`);
    expect(() => ap.parse("(".repeat(ap.MAX_LENGTH))).toThrow("InvalidBooleanExpression");
  });

  it("parentheses up to the depth limit parse", () => {
    const at = (n: number) => "(".repeat(n) + "A::a" + ")".repeat(n);
    expect(ap.parse(at(ap.MAX_DEPTH))).toEqual({ type: "attr", dimension: "A", name: "a" });
    expect(() => ap.parse(at(ap.MAX_DEPTH + 1))).toThrow("nested deeper");
  });

  it("100,000 terms: a clear error; 1,000 terms parse (right-associative)", () => {
    const chain = (n: number, sep = " || ") => Array.from({ length: n }, (_, i) => `D::${i}`).join(sep);
    expect(() => ap.parse(chain(100_000))).toThrow(`longer than ${ap.MAX_LENGTH} characters`);
    expect(chain(6000, "||").length).toBeLessThanOrEqual(ap.MAX_LENGTH);
    expect(() => ap.parse(chain(6000, "||"))).toThrow(`more than ${ap.MAX_TERMS} attributes`);
    const ok = ap.parse(chain(1000));
    let node = ok;
    let count = 1;
    while (node.type === "or") (node = node.right), count++;
    expect(count).toBe(1000);
    expect(node).toEqual({ type: "attr", dimension: "D", name: "999" });
  });

  it("an expression that expands to too many combinations is refused", () => {
    const clause = "(Department::HR || Department::FIN || Department::MKG)";
    const expr = Array.from({ length: 12 }, () => clause).join(" && "); // 3^12 combinations
    expect(() => ap.toPartitions(expr, policy, false)).toThrow(
      `more than ${ap.MAX_COMBINATIONS} attribute combinations`,
    );
  });
});
