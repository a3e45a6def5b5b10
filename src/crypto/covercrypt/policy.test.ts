// Policy JSON (order preservation, V1/legacy conversion) and edits (docs/covercrypt-format.md, "Policy", "Rekeying").
import { describe, expect, it } from "vitest";
import * as ap from "./access-policy.ts";
import * as policy from "./policy.ts";
import * as edit from "./policy-edit.ts";

const attr = (id: number, hint = "Classic", status = "EncryptDecrypt") =>
  `{"id":${id},"encryption_hint":"${hint}","write_status":"${status}"}`;

describe("policy JSON", () => {
  it("keeps the order of integer-like names in an Ordered dimension (JSON.parse would not)", () => {
    const json = `{"version":"V2","last_attribute_value":4,"dimensions":{"L":{"Ordered":{"3":${attr(1)},"1":${attr(2)},"2":${attr(3)}}},"D":{"Unordered":{"x":${attr(4)}}}}}`;
    const p = policy.parse(json);
    expect([...p.dimensions.get("L")!.attributes.keys()]).toEqual(["3", "1", "2"]);
    expect(policy.serialize(p)).toBe(json);
    // cascading from "1" includes "3", which comes first in the hierarchy
    expect([...ap.toPartitions("L::1", p, true).keys()].sort()).toEqual(["0104", "0204"]);
  });

  it("builds like cloudproof_js new Policy(axes) and honours hints", () => {
    const p = edit.create([
      {
        name: "Security Level",
        attributes: [{ name: "Low" }, { name: "High", hint: "Hybridized" }],
        hierarchical: true,
      },
      { name: "Department", attributes: [{ name: "HR" }], hierarchical: false },
    ]);
    expect(policy.serialize(p)).toBe(
      `{"version":"V2","last_attribute_value":3,"dimensions":{"Security Level":{"Ordered":{"Low":${attr(1)},"High":${attr(2, "Hybridized")}}},"Department":{"Unordered":{"HR":${attr(3)}}}}}`,
    );
    expect(() => edit.addDimension(p, { name: "Department", attributes: [], hierarchical: false })).toThrow(
      'ExistingPolicy("Department")',
    );
  });

  it("converts V1 and legacy policies (hierarchy from attribute_names)", () => {
    const v1 = `{"version":"V1","last_attribute_value":3,"max_attribute_creations":100,"axes":{"S":{"attribute_names":["Lo","Hi"],"is_hierarchical":true},"D":{"attribute_names":["HR"],"is_hierarchical":false}},"attributes":{"S::Hi":{"values":[2],"encryption_hint":"Hybridized"},"S::Lo":{"values":[1],"encryption_hint":"Classic"},"D::HR":{"values":[3,7],"encryption_hint":"Classic"}}}`;
    expect(policy.serialize(policy.parse(v1))).toBe(
      `{"version":"V2","last_attribute_value":3,"dimensions":{"S":{"Ordered":{"Lo":${attr(1)},"Hi":${attr(2, "Hybridized")}}},"D":{"Unordered":{"HR":${attr(3)}}}}}`,
    );
    const legacy = `{"last_attribute_value":2,"max_attribute_creations":10,"axes":{"S":[["Lo","Hi"],true]},"attributes":{"S::Hi":[2],"S::Lo":[1]}}`;
    expect(policy.serialize(policy.parse(legacy))).toBe(
      `{"version":"V2","last_attribute_value":2,"dimensions":{"S":{"Ordered":{"Lo":${attr(1)},"Hi":${attr(2)}}}}}`,
    );
    expect(() => policy.parseV2(legacy)).toThrow("missing field `version`");
    expect(() => policy.parseV2(v1)).toThrow("missing field `dimensions`");
  });

  it("rejects v13-style and malformed policies", () => {
    expect(() =>
      policy.parse(
        `{"version":"V2","last_attribute_value":1,"dimensions":{"D":{"Unordered":{"a":{"rotation_values":[1],"encryption_hint":"Classic","write_status":"EncryptDecrypt"}}}}}`,
      ),
    ).toThrow("missing field `id`");
    expect(() => policy.parse(`{"version":"V3"}`)).toThrow("unknown variant `V3`");
    expect(() => policy.parse(`{"version":"V2","last_attribute_value":1.0,"dimensions":{}}`)).toThrow("expected u32");
    expect(() => policy.parse(`{"version":"V2",}`)).toThrow("DeserializationError");
  });
});

describe("policy edits", () => {
  const base = edit.create([
    { name: "S", attributes: [{ name: "Lo" }, { name: "Hi" }], hierarchical: true },
    { name: "D", attributes: [{ name: "HR" }, { name: "FIN" }], hierarchical: false },
  ]);

  it("add attribute: Unordered only, next id, duplicate refused", () => {
    const p = edit.addAttribute(base, "D::R&D", "Hybridized");
    expect(p.dimensions.get("D")!.attributes.get("R&D")).toEqual({
      id: 5,
      encryptionHint: "Hybridized",
      writeStatus: "EncryptDecrypt",
    });
    expect(p.lastAttributeValue).toBe(5);
    expect(base.lastAttributeValue).toBe(4); // input untouched
    expect(() => edit.addAttribute(base, "S::Mid")).toThrow(
      'OperationNotPermitted("Hierarchical dimension are immutable")',
    );
    expect(() => edit.addAttribute(base, "D::HR")).toThrow('OperationNotPermitted("Attribute already in dimension")');
    expect(() => edit.addAttribute(base, "X::y")).toThrow('DimensionNotFound("X")');
    expect(() => edit.addAttribute(base, "nope")).toThrow("InvalidAttribute");
  });

  it("remove: ids never reused, not the last attribute, not Ordered", () => {
    const p = edit.removeAttribute(base, "D::HR");
    expect([...p.dimensions.get("D")!.attributes.keys()]).toEqual(["FIN"]);
    expect(() => edit.removeAttribute(p, "D::FIN")).toThrow("UnsupportedOperator");
    expect(() => edit.removeAttribute(base, "S::Lo")).toThrow("Hierarchical dimension are immutable");
    expect(() => edit.removeAttribute(base, "D::Nope")).toThrow('AttributeNotFound("Nope")');
    expect(edit.addAttribute(p, "D::HR").dimensions.get("D")!.attributes.get("HR")!.id).toBe(5);
  });

  it("disable and rename keep ids and positions", () => {
    expect(edit.disableAttribute(base, "S::Lo").dimensions.get("S")!.attributes.get("Lo")!.writeStatus).toBe(
      "DecryptOnly",
    );
    const r = edit.renameAttribute(base, "S::Lo", "Low");
    expect([...r.dimensions.get("S")!.attributes].map(([n, a]) => [n, a.id])).toEqual([
      ["Low", 1],
      ["Hi", 2],
    ]);
    const r2 = edit.renameAttribute(base, "D::HR", "Humans");
    expect([...r2.dimensions.get("D")!.attributes.keys()]).toEqual(["Humans", "FIN"]);
    expect(() => edit.renameAttribute(base, "D::HR", "FIN")).toThrow(
      "New attribute name is already used in the same dimension",
    );
    expect(() => edit.renameAttribute(base, "S::Lo", "Hi")).toThrow('Already existing entry with key: \\"Hi\\".');
  });
});
