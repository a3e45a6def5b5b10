/**
 * Policy edits with Cosmian v14 semantics (abe_policy/policy.rs, dimension.rs): the edits behind
 * the KMS rekey actions AddAttribute / RemoveAttribute / DisableAttribute / RenameAttribute, plus
 * dimension creation as cloudproof_js `new Policy([new PolicyAxis(…)])` does it.
 * See docs/covercrypt-format.md, "Policy" and "Rekeying". Every function returns a new policy; the input is untouched.
 * After an edit that changes the universe, sync the keys with `masterKeys.update`.
 */
import { CoverCryptError, rustDebugString } from "./errors.ts";
import { clonePolicy, emptyPolicy, parseAttribute, type EncryptionHint, type Policy } from "./policy.ts";

export interface DimensionSpec {
  name: string;
  attributes: { name: string; hint?: EncryptionHint }[];
  hierarchical: boolean;
}

/** `add_dimension`: ids are `++last_attribute_value` in list order; an existing name is an error. */
export function addDimension(policy: Policy, spec: DimensionSpec): Policy {
  if (policy.dimensions.has(spec.name)) throw new CoverCryptError("ExistingPolicy", spec.name);
  const p = clonePolicy(policy);
  const attributes = new Map();
  for (const a of spec.attributes) {
    // a repeated name keeps its first position and takes the later id (Rust HashMap/Dict insert)
    attributes.set(a.name, {
      id: ++p.lastAttributeValue,
      encryptionHint: a.hint ?? "Classic",
      writeStatus: "EncryptDecrypt",
    });
  }
  p.dimensions.set(spec.name, { ordered: spec.hierarchical, attributes });
  return p;
}

/** A V2 policy built like cloudproof_js `new Policy(axes)` (but honouring `hint`). */
export function create(dimensions: DimensionSpec[]): Policy {
  let p = emptyPolicy();
  for (const d of dimensions) p = addDimension(p, d);
  return p;
}

function dimensionOf(p: Policy, dim: string) {
  const d = p.dimensions.get(dim);
  if (!d) throw new CoverCryptError("DimensionNotFound", dim);
  return d;
}

/** `add_attribute("Dim::Name", hint)`: Unordered dimensions only; new id = ++last_attribute_value. */
export function addAttribute(policy: Policy, attribute: string, hint: EncryptionHint = "Classic"): Policy {
  const [dim, name] = parseAttribute(attribute);
  const p = clonePolicy(policy);
  const d = dimensionOf(p, dim);
  if (d.ordered) throw new CoverCryptError("OperationNotPermitted", "Hierarchical dimension are immutable");
  if (d.attributes.has(name)) throw new CoverCryptError("OperationNotPermitted", "Attribute already in dimension");
  d.attributes.set(name, { id: ++p.lastAttributeValue, encryptionHint: hint, writeStatus: "EncryptDecrypt" });
  return p;
}

/** `remove_attribute`: Unordered only, never the last attribute of a dimension. */
export function removeAttribute(policy: Policy, attribute: string): Policy {
  const [dim, name] = parseAttribute(attribute);
  const p = clonePolicy(policy);
  const d = dimensionOf(p, dim);
  if (d.attributes.size === 1) {
    throw new CoverCryptError(
      "UnsupportedOperator",
      "Removing the last attribute of a dimension is currently not supported",
    );
  }
  if (d.ordered) throw new CoverCryptError("OperationNotPermitted", "Hierarchical dimension are immutable");
  if (!d.attributes.delete(name)) throw new CoverCryptError("AttributeNotFound", name);
  return p;
}

/** `disable_attribute`: write status DecryptOnly (Ordered or not); public subkeys go at `update`. */
export function disableAttribute(policy: Policy, attribute: string): Policy {
  const [dim, name] = parseAttribute(attribute);
  const p = clonePolicy(policy);
  const a = dimensionOf(p, dim).attributes.get(name);
  if (!a) throw new CoverCryptError("AttributeNotFound", name);
  a.writeStatus = "DecryptOnly";
  return p;
}

/** `rename_attribute`: keeps the id and the position; no key change is needed. */
export function renameAttribute(policy: Policy, attribute: string, newName: string): Policy {
  const [dim, name] = parseAttribute(attribute);
  const p = clonePolicy(policy);
  const d = dimensionOf(p, dim);
  if (d.ordered) {
    // Dict::update_key errors, wrapped in OperationNotPermitted by dimension.rs
    if (!d.attributes.has(name))
      throw new CoverCryptError("OperationNotPermitted", `Entry not found with key: ${rustDebugString(name)}.`);
    if (d.attributes.has(newName))
      throw new CoverCryptError(
        "OperationNotPermitted",
        `Already existing entry with key: ${rustDebugString(newName)}.`,
      );
  } else {
    if (d.attributes.has(newName))
      throw new CoverCryptError("OperationNotPermitted", "New attribute name is already used in the same dimension");
    if (!d.attributes.has(name)) throw new CoverCryptError("AttributeNotFound", name);
  }
  const renamed = new Map();
  for (const [k, v] of d.attributes) renamed.set(k === name ? newName : k, v);
  d.attributes = renamed;
  return p;
}
