/**
 * Access-policy expressions (`Dimension::Name`, `&&`, `||`, parentheses) with Cosmian v14's exact
 * parser (abe_policy/access_policy.rs), and their conversion to partitions.
 * Spec: covercrypt-v14.md §2.5, §2.6.
 *
 * The parser is replicated literally, quirks included: no precedence, right-associative, the
 * first top-level operator decides (`A && B || C` = `A && (B || C)`), and Rust's mix of char
 * indices and byte offsets (we work on UTF-8 bytes where Rust does; where Rust would panic on a
 * non-char boundary we throw InvalidBooleanExpression).
 */
import { utf8 } from "../bytes.ts";
import { CoverCryptError } from "./errors.ts";
import { combine, getAttribute, partitionFromIds, partitionKey, rustTrim, type AttributeParameters, type Policy } from "./policy.ts";

export type AccessPolicy =
  | { type: "attr"; dimension: string; name: string }
  | { type: "and" | "or"; left: AccessPolicy; right: AccessPolicy };

const EXAMPLE = "(Department::HR || Department::RnD) && Level::level_2";

const invalid = (msg: string) => new CoverCryptError("InvalidBooleanExpression", msg);

/** `sanitize_spaces`: trim around each of `(`, `)`, `||`, `&&`, `::` in turn, keep inner spaces. */
export function sanitize(expr: string): string {
  let out = expr;
  for (const sep of ["(", ")", "||", "&&", "::"]) {
    const pieces = out.split(sep).map(rustTrim);
    let s = "";
    pieces.forEach((p, i) => {
      if (i === 0 && p === "") s += sep;
      else {
        s += p;
        if (i !== pieces.length - 1) s += sep;
      }
    });
    out = s;
  }
  return out;
}

function sliceBytes(b: Uint8Array, start: number, end = b.length): string {
  try {
    return utf8.decode(b.subarray(start, end));
  } catch {
    throw invalid(`byte index ${start}..${end} is not a char boundary`); // a panic in Rust
  }
}

/** `decompose_expression`: left, and if something follows, a 2-byte operator and the rest. */
function decompose(expr: string, splitPosition: number): [string, string?, string?] {
  const b = utf8.encode(expr);
  if (splitPosition > b.length) {
    throw invalid(`Cannot split boolean expression ${expr} at position ${splitPosition} since ${splitPosition} is greater than the size of ${expr}`);
  }
  const left = sliceBytes(b, 0, splitPosition);
  if (splitPosition === b.length) return [left];
  let pos = splitPosition;
  if ([...expr][splitPosition] === ")") pos += 1; // chars().nth(): a char index, used as a byte offset
  if (pos === b.length) return [left];
  if (pos + 2 > b.length) {
    throw invalid(`Cannot split boolean expression ${expr} at position ${pos + 2} since it is greater than the size of ${expr}`);
  }
  return [left, sliceBytes(b, pos, pos + 2), sliceBytes(b, pos + 2)];
}

function combineOp(op: string, left: string, right: string): AccessPolicy {
  const l = parseSanitized(left);
  const r = parseSanitized(right);
  if (op === "&&") return { type: "and", left: l, right: r };
  if (op === "||") return { type: "or", left: l, right: r };
  throw new CoverCryptError("UnsupportedOperator", op);
}

/** `AccessPolicy::from_boolean_expression`. */
export function parse(expression: string): AccessPolicy {
  return parseSanitized(expression);
}

function parseSanitized(expression: string): AccessPolicy {
  const expr = sanitize(expression);
  if (!expr.includes("::")) {
    throw invalid(`'${expr}' does not contain any attribute separator '::'. Example: ${EXAMPLE}`);
  }
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
    if (op === undefined) return parseSanitized(left);
    return combineOp(op, left, right!);
  }
  // byte offsets of the first `||` / `&&` (ASCII, so UTF-16 → UTF-8 offset conversion is needed)
  const b = utf8.encode(expr);
  const find = (needle: number) => {
    for (let i = 0; i + 1 < b.length; i++) if (b[i] === needle && b[i + 1] === needle) return i;
    return -1;
  };
  const or = find(0x7c);
  const and = find(0x26);
  const position = or < 0 && and < 0 ? 0 : or < 0 ? and : and < 0 ? or : Math.min(or, and);
  if (position === 0) {
    const parts = expr.split("::");
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw invalid(`'${expr}' does not respect the format <dimension::name>. Example: ${EXAMPLE}`);
    }
    return { type: "attr", dimension: parts[0], name: parts[1] };
  }
  const [left, op, right] = decompose(expr, position);
  if (op === undefined) return parseSanitized(left);
  return combineOp(op, left, right!);
}

/** Back to text, fully parenthesised (round-trips through `parse`). */
export function toString(ap: AccessPolicy): string {
  if (ap.type === "attr") return `${ap.dimension}::${ap.name}`;
  return `(${toString(ap.left)} ${ap.type === "and" ? "&&" : "||"} ${toString(ap.right)})`;
}

type Attr = [dimension: string, name: string];

/**
 * `to_attribute_combinations`: a DNF. With `cascade`, an attribute of an Ordered dimension also
 * brings every attribute below it (user keys only).
 */
export function toCombinations(ap: AccessPolicy, policy: Policy, cascade: boolean): Attr[][] {
  if (ap.type === "attr") {
    const dim = policy.dimensions.get(ap.dimension);
    if (!dim) throw new CoverCryptError("DimensionNotFound", ap.dimension);
    const res: Attr[][] = [[[ap.dimension, ap.name]]];
    if (cascade && dim.ordered) {
      for (const name of dim.attributes.keys()) {
        if (name === ap.name) break;
        res.push([[ap.dimension, name]]);
      }
    }
    return res;
  }
  const left = toCombinations(ap.left, policy, cascade);
  const right = toCombinations(ap.right, policy, cascade);
  if (ap.type === "or") return [...left, ...right];
  const res: Attr[][] = [];
  for (const l of left) for (const r of right) res.push([...l, ...r]);
  return res;
}

/**
 * `access_policy_to_partitions`: the partitions of the expression, keyed by `partitionKey`.
 * Dimensions a combination does not mention contribute all their attributes. A partition produced
 * by two different combinations is an `ExistingCombination` error, as in Cosmian.
 */
export function toPartitions(ap: AccessPolicy | string, policy: Policy, cascade: boolean): Map<string, Uint8Array> {
  if (typeof ap !== "string") return computePartitions(ap, policy, cascade);
  // Memoized per policy object and expression (every encryption and user key re-derives them).
  // Policies are never edited in place (policy-edit.ts clones), so an entry cannot go stale.
  let memo = partitionMemo.get(policy);
  if (!memo) partitionMemo.set(policy, (memo = new Map()));
  const key = (cascade ? "c" : "n") + ap;
  let hit = memo.get(key);
  if (!hit) {
    hit = computePartitions(parse(ap), policy, cascade);
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
    memo.set(key, hit);
  }
  const out = new Map<string, Uint8Array>();
  for (const [k, p] of hit) out.set(k, p.slice()); // callers may keep (or alter) the partitions
  return out;
}

const MEMO_LIMIT = 256;
const partitionMemo = new WeakMap<Policy, Map<string, Map<string, Uint8Array>>>();

function computePartitions(expr: AccessPolicy, policy: Policy, cascade: boolean): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const combination of toCombinations(expr, policy, cascade)) {
    const perDim = new Map<string, AttributeParameters[]>();
    for (const [dim, name] of combination) {
      const params = getAttribute(policy, dim, name);
      if (!perDim.has(dim)) perDim.set(dim, []);
      perDim.get(dim)!.push(params);
    }
    for (const [dim, d] of policy.dimensions) if (!perDim.has(dim)) perDim.set(dim, [...d.attributes.values()]);
    const own = new Map<string, Uint8Array>();
    for (const c of combine([...perDim.values()])) {
      const p = partitionFromIds(c.ids);
      own.set(partitionKey(p), p);
    }
    for (const [k, p] of own) {
      if (out.has(k)) {
        throw new CoverCryptError("ExistingCombination", `[${combination.map(([d, n]) => `${d}::${n}`).join(", ")}]`);
      }
      out.set(k, p);
    }
  }
  return out;
}
