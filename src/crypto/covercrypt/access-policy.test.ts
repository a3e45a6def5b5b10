// Cosmian v14 access-policy parser quirks (covercrypt-v14.md §2.5/§2.6) and partition sets.
import { describe, expect, it } from "vitest";
import * as ap from "./access-policy.ts";
import * as policyEdit from "./policy-edit.ts";

const policy = policyEdit.create([
  { name: "Security Level", attributes: [{ name: "Low" }, { name: "Medium" }, { name: "High" }], hierarchical: true },
  { name: "Department", attributes: [{ name: "HR" }, { name: "FIN" }, { name: "MKG" }], hierarchical: false },
]);
const parts = (e: string, cascade = false) => [...ap.toPartitions(e, policy, cascade).keys()].sort();

describe("access policy parser", () => {
  it("parses attributes with spaces trimmed around separators only", () => {
    expect(ap.parse("  Department :: HR ")).toEqual({ type: "attr", dimension: "Department", name: "HR" });
    expect(ap.parse("Security Level::Top Secret")).toEqual({ type: "attr", dimension: "Security Level", name: "Top Secret" });
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
    expect(() => parts("Department::HR || Security Level::Low")).toThrow('ExistingCombination("[Security Level::Low]")');
    expect(() => parts("Security Level::Medium || Security Level::Low", true)).toThrow('ExistingCombination("[Security Level::Low]")');
    expect(parts("Security Level::Medium || Security Level::Low")).toHaveLength(6);
    expect(() => parts("Department::Nope")).toThrow('AttributeNotFound("Department::Nope")');
    expect(() => parts("Nope::HR")).toThrow('DimensionNotFound("Nope")');
  });
});
