/**
 * Access-policy expressions (`Dimension::Name`, `&&`, `||`, parentheses) with Cosmian v14's exact
 * parser (abe_policy/access_policy.rs), and their conversion to partitions.
 *
 * The parser is replicated literally, quirks included: no precedence, right-associative, the
 * first top-level operator decides (`A && B || C` = `A && (B || C)`), and Rust's mix of char
 * indices and byte offsets (we work on UTF-8 bytes where Rust does; where Rust would panic on a
 * non-char boundary we throw InvalidBooleanExpression).
 */
import { utf8 } from "../bytes.ts";
import { CoverCryptError } from "./errors.ts";
import {
  combine,
  getAttribute,
  isRustWhitespace,
  partitionFromIds,
  partitionKey,
  rustTrim,
  type AttributeParameters,
  type Policy,
} from "./policy.ts";

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

/**
 * Limits that keep one expression from holding the server: more than MAX_LENGTH characters
 * (checked first), parentheses nested deeper than
 * MAX_DEPTH, more than MAX_TERMS attributes, or a DNF of more than MAX_COMBINATIONS combinations
 * are InvalidBooleanExpression errors. Real access policies are a few terms deep and long.
 */
export const MAX_LENGTH = 65_536;
export const MAX_DEPTH = 64;
export const MAX_TERMS = 1024;
export const MAX_COMBINATIONS = 65_536;
/** Expressions the literal (quadratic) parser takes; the linear one takes any length. */
const MAX_LITERAL_LENGTH = 8192;

const tooDeep = () => invalid(`parentheses nested deeper than ${MAX_DEPTH} levels`);
const tooManyTerms = () => invalid(`more than ${MAX_TERMS} attributes in one expression`);

/** `AccessPolicy::from_boolean_expression`. */
export function parse(expression: string): AccessPolicy {
  if (expression.length > MAX_LENGTH) throw invalid(`the expression is longer than ${MAX_LENGTH} characters`);
  const expr = sanitize(expression);
  const linear = LinearParser.of(expr);
  if (linear) return linear.parse();
  if (utf8.encode(expr).length > MAX_LITERAL_LENGTH) {
    throw invalid(
      `an expression with spaces next to a separator character must be at most ${MAX_LITERAL_LENGTH} bytes`,
    );
  }
  return parseSanitized(expression, 0, { terms: 0 });
}

/**
 * The parser in linear time. Rust re-sanitizes and re-encodes every sub-expression, which is
 * quadratic; here the whole (sanitized) expression is encoded once and sub-expressions are byte
 * ranges of it, with prefix counts, a parenthesis-matching table and a next-operator table
 * answering in O(1) what Rust's parser searches for.
 *
 * That is only equivalent when sanitizing a sub-expression merely trims it, which holds when no
 * whitespace of the expression touches a separator character ( ( ) | & : ) or its ends (proof:
 * sanitize trims pieces split at separators; a piece edge inside a range is next to a separator
 * character, and whitespace is never there). Expressions that are not so (`Dim::R & D`, `a | ||b`)
 * use the literal parser, whose input length is bounded.
 */
class LinearParser {
  private terms = 0;
  private constructor(
    private readonly b: Uint8Array,
    /** code point index of each boundary byte offset, -1 inside a character */
    private readonly cpAt: Int32Array,
    /** byte offset of each code point (and of the end) */
    private readonly cpStart: Int32Array,
    /** whether each code point is whitespace */
    private readonly cpSpace: Uint8Array,
    /** number of `::` starting before each byte offset */
    private readonly colons: Int32Array,
    /** number of `)` before each byte offset */
    private readonly closes: Int32Array,
    /** byte offset of the `)` matching the `(` at each byte offset, -1 if none */
    private readonly match: Int32Array,
    /** first `||` or `&&` at or after each byte offset, -1 if none */
    private readonly nextOp: Int32Array,
  ) {}

  static of(expr: string): LinearParser | undefined {
    if (hasLoneSurrogate(expr)) return undefined; // UTF-8 encoding would change them
    const isSep = (c: string | undefined) => c === undefined || "()|&:".includes(c);
    for (let i = 0; i < expr.length; i++) {
      if (!isRustWhitespace(expr[i])) continue;
      let j = i;
      while (j < expr.length && isRustWhitespace(expr[j])) j++;
      if (isSep(expr[i - 1]) || isSep(expr[j])) return undefined;
      i = j;
    }
    const b = utf8.encode(expr);
    const n = b.length;
    const cpAt = new Int32Array(n + 1).fill(-1);
    const cps: number[] = [];
    const spaces: number[] = [];
    let offset = 0;
    for (const ch of expr) {
      cpAt[offset] = cps.length;
      cps.push(offset);
      spaces.push(isRustWhitespace(ch) ? 1 : 0);
      const c = ch.codePointAt(0)!;
      offset += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    cpAt[n] = cps.length;
    cps.push(n);
    const colons = new Int32Array(n + 1);
    const closes = new Int32Array(n + 1);
    const match = new Int32Array(n).fill(-1);
    const stack: number[] = [];
    for (let i = 0; i < n; i++) {
      colons[i + 1] = colons[i] + (b[i] === 0x3a && b[i + 1] === 0x3a ? 1 : 0);
      closes[i + 1] = closes[i] + (b[i] === 0x29 ? 1 : 0);
      if (b[i] === 0x28) stack.push(i);
      else if (b[i] === 0x29 && stack.length > 0) match[stack.pop()!] = i;
    }
    const nextOp = new Int32Array(n + 1).fill(-1);
    for (let i = n - 2; i >= 0; i--) {
      nextOp[i] = b[i] === b[i + 1] && (b[i] === 0x7c || b[i] === 0x26) ? i : nextOp[i + 1];
    }
    return new LinearParser(b, cpAt, Int32Array.from(cps), Uint8Array.from(spaces), colons, closes, match, nextOp);
  }

  parse(): AccessPolicy {
    return this.range(0, this.b.length, 0);
  }

  private str(from: number, to: number): string {
    return utf8.decode(this.b.subarray(from, to));
  }

  private boundary(offset: number): boolean {
    return this.cpAt[offset] >= 0;
  }

  /** `parseSanitized` of the bytes [from, to): a right-leaning chain is a loop, not a recursion. */
  private range(from: number, to: number, depth: number): AccessPolicy {
    if (depth > MAX_DEPTH) throw tooDeep();
    const chain: { left: AccessPolicy; op: [number, number] }[] = [];
    let a = from;
    let z = to;
    let last: AccessPolicy;
    for (;;) {
      // sanitize(sub-expression) = the sub-expression trimmed ("(" when nothing is left)
      while (a < z && this.cpSpace[this.cpAt[a]]) a = this.cpStart[this.cpAt[a] + 1];
      while (z > a && this.cpSpace[this.cpAt[z] - 1]) z = this.cpStart[this.cpAt[z] - 1];
      if (a === z) throw invalid(`'(' does not contain any attribute separator '::'. Example: ${EXAMPLE}`);
      const length = z - a;
      if (length < 2 || this.colons[z - 1] - this.colons[a] === 0) {
        throw invalid(`'${this.str(a, z)}' does not contain any attribute separator '::'. Example: ${EXAMPLE}`);
      }
      let split: number; // byte offset (from `base`) where the left part ends
      let base: number; // start of the part being decomposed
      let depthOfLeft: number;
      if (this.b[a] === 0x28) {
        base = a + 1;
        if (this.closes[z] - this.closes[base] === 0)
          throw invalid(`closing parenthesis missing in ${this.str(base, z)}`);
        const close = this.match[a];
        if (close < 0 || close >= z)
          throw invalid(`Missing closing parenthesis in boolean expression ${this.str(base, z)}`);
        split = this.cpAt[close] - this.cpAt[base]; // a char index, used by Rust as a byte offset
        depthOfLeft = depth + 1;
      } else {
        base = a;
        const op = this.nextOp[a];
        split = op >= 0 && op + 2 <= z ? op - a : 0;
        if (split === 0) {
          last = this.attribute(a, z);
          break;
        }
        depthOfLeft = depth;
      }
      // decompose_expression(expr = [base, z), split)
      const size = z - base;
      const exprText = () => this.str(base, z);
      if (split > size) {
        throw invalid(
          `Cannot split boolean expression ${exprText()} at position ${split} since ${split} is greater than the size of ${exprText()}`,
        );
      }
      if (!this.boundary(base + split)) throw invalid(`byte index 0..${split} is not a char boundary`);
      let pos = split;
      if (split < size) {
        const cp = this.cpAt[base] + split; // chars().nth(split)
        if (cp < this.cpAt[z] && this.b[this.cpStart[cp]] === 0x29) pos += 1;
      }
      if (split === size || pos === size) {
        last = this.range(base, base + split, depthOfLeft);
        break;
      }
      if (pos + 2 > size) {
        throw invalid(
          `Cannot split boolean expression ${exprText()} at position ${pos + 2} since it is greater than the size of ${exprText()}`,
        );
      }
      if (!this.boundary(base + pos) || !this.boundary(base + pos + 2))
        throw invalid(`byte index ${pos}..${pos + 2} is not a char boundary`);
      chain.push({ left: this.range(base, base + split, depthOfLeft), op: [base + pos, base + pos + 2] });
      a = base + pos + 2;
    }
    // combine, innermost first: Rust checks the operator of a level after parsing both sides
    for (let i = chain.length - 1; i >= 0; i--) {
      const op = this.str(chain[i].op[0], chain[i].op[1]);
      if (op === "&&") last = { type: "and", left: chain[i].left, right: last };
      else if (op === "||") last = { type: "or", left: chain[i].left, right: last };
      else throw new CoverCryptError("UnsupportedOperator", op);
    }
    return last;
  }

  private attribute(from: number, to: number): AccessPolicy {
    if (++this.terms > MAX_TERMS) throw tooManyTerms();
    return leaf(this.str(from, to));
  }
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}

function leaf(expr: string): AccessPolicy {
  const parts = expr.split("::");
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw invalid(`'${expr}' does not respect the format <dimension::name>. Example: ${EXAMPLE}`);
  }
  return { type: "attr", dimension: parts[0], name: parts[1] };
}

// ---- the literal parser (Rust's algorithm step by step), for expressions LinearParser declines ----

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
    throw invalid(
      `Cannot split boolean expression ${expr} at position ${splitPosition} since ${splitPosition} is greater than the size of ${expr}`,
    );
  }
  const left = sliceBytes(b, 0, splitPosition);
  if (splitPosition === b.length) return [left];
  let pos = splitPosition;
  if ([...expr][splitPosition] === ")") pos += 1; // chars().nth(): a char index, used as a byte offset
  if (pos === b.length) return [left];
  if (pos + 2 > b.length) {
    throw invalid(
      `Cannot split boolean expression ${expr} at position ${pos + 2} since it is greater than the size of ${expr}`,
    );
  }
  return [left, sliceBytes(b, pos, pos + 2), sliceBytes(b, pos + 2)];
}

function combineOp(
  op: string,
  left: AccessPolicy,
  rightText: string,
  depth: number,
  count: { terms: number },
): AccessPolicy {
  const r = parseSanitized(rightText, depth, count);
  if (op === "&&") return { type: "and", left, right: r };
  if (op === "||") return { type: "or", left, right: r };
  throw new CoverCryptError("UnsupportedOperator", op);
}

function parseSanitized(expression: string, depth: number, count: { terms: number }): AccessPolicy {
  if (depth > MAX_DEPTH) throw tooDeep();
  const expr = sanitize(expression);
  if (!expr.includes("::")) {
    throw invalid(`'${expr}' does not contain any attribute separator '::'. Example: ${EXAMPLE}`);
  }
  if (expr.startsWith("(")) {
    const inner = expr.slice(1);
    if (!inner.includes(")")) throw invalid(`closing parenthesis missing in ${inner}`);
    let level = 0;
    let close = -1;
    let index = 0;
    for (const ch of inner) {
      if (ch === "(") level++;
      else if (ch === ")") level--;
      if (level < 0) {
        close = index;
        break;
      }
      index++;
    }
    if (close < 0) throw invalid(`Missing closing parenthesis in boolean expression ${inner}`);
    const [left, op, right] = decompose(inner, close);
    if (op === undefined) return parseSanitized(left, depth + 1, count);
    return combineOp(op, parseSanitized(left, depth + 1, count), right!, depth, count);
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
    if (++count.terms > MAX_TERMS) throw tooManyTerms();
    return leaf(expr);
  }
  const [left, op, right] = decompose(expr, position);
  if (op === undefined) return parseSanitized(left, depth, count);
  return combineOp(op, parseSanitized(left, depth, count), right!, depth, count);
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
  const count = ap.type === "or" ? left.length + right.length : left.length * right.length;
  if (count > MAX_COMBINATIONS)
    throw invalid(`the expression expands to more than ${MAX_COMBINATIONS} attribute combinations`);
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
  const out = new Map<string, Uint8Array>();
  for (const [k, p] of sharedPartitions(ap, policy, cascade)) out.set(k, p.slice()); // callers may keep (or alter) the partitions
  return out;
}

/**
 * `toPartitions` of an expression, memoized per policy object and expression (every encryption and
 * user key re-derives them) and shared: callers must neither keep nor alter what they get.
 * Policies are never edited in place (policy-edit.ts clones), so an entry cannot go stale.
 */
export function sharedPartitions(ap: string, policy: Policy, cascade: boolean): ReadonlyMap<string, Uint8Array> {
  let memo = partitionMemo.get(policy);
  if (!memo) partitionMemo.set(policy, (memo = new Map()));
  const key = (cascade ? "c" : "n") + ap;
  let hit = memo.get(key);
  if (!hit) {
    hit = computePartitions(parse(ap), policy, cascade);
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
    memo.set(key, hit);
  }
  return hit;
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
