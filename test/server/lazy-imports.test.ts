/**
 * What the server loads at start: the modules reachable through static imports from the
 * executable's entry (src/cli/main.ts) once it picks the server. Libraries and modules only some
 * requests need (the schemes other than their registry: elliptic curves, RSA, post-quantum,
 * CoverCrypt, FF1, HSM keys; X.509 certificates, the heavy-task module, the CLI commands) are
 * imported with `import()` where first used, so that the server answers its first request sooner;
 * this keeps a new static import from pulling them back into every start.
 */
import { expect, test } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** Static value imports of a file (not `import type`, not `import()`): relative paths resolved, packages by name. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^"';]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
    if (m[2]) continue; // import type / export type
    // import { type A, type B } from "x": types only
    if (m[3] && /^\s*(import|export)\s*\{\s*(type\s+[\w$]+(\s+as\s+[\w$]+)?\s*,?\s*)+\}/.test(m[0])) continue;
    const spec = m[4];
    if (!spec.startsWith(".")) {
      out.push(spec);
      continue;
    }
    const resolved = path.resolve(path.dirname(file), spec);
    if (existsSync(resolved)) out.push(resolved);
  }
  return out;
}

/** Every module the entry reaches through static imports. */
function startupGraph(entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    if (!file.startsWith("/") || !file.endsWith(".ts")) continue;
    for (const dep of staticImports(file)) {
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return seen;
}

const rel = (f: string) => (f.startsWith("/") ? path.relative(root, f) : f);

test("the server starts without the schemes' libraries, the X.509 stack, the heavy tasks or the CLI commands", () => {
  // src/cli/main.ts imports the server with import() when it serves: start from there
  const graph = [...startupGraph(path.join(root, "src/server/main.ts"))].map(rel);
  expect(graph).toContain("src/operations/dispatch.ts"); // the scanner follows the imports
  const eager = graph.filter(
    (m) =>
      /^(@peculiar\/|reflect-metadata|pkijs|asn1js|@noble\/post-quantum|@noble\/curves|pkcs11js)/.test(m) ||
      /^src\/operations\/(ec|rsa|pqc|covercrypt|fpe)\//.test(m) ||
      m === "src/operations/hsm/keys.ts" ||
      /^src\/crypto\/(covercrypt\/index\.ts|ecies\/|ff1\/kms\.ts|pqc\.ts|rsa\.ts)/.test(m) ||
      m.startsWith("src/crypto/x509/") ||
      (m.startsWith("src/operations/x509/") && m !== "src/operations/x509/index.ts") || // index.ts: the scheme's name only
      m === "src/operations/common/heavy-tasks.ts" ||
      m.startsWith("src/cli/"),
  );
  expect(eager, "modules loaded at every start that only some requests need").toEqual([]);
});

test("a CLI command runs without loading the server", () => {
  const graph = [...startupGraph(path.join(root, "src/cli/main.ts"))].map(rel);
  expect(graph.filter((m) => m.startsWith("src/server/") || m === "src/cli/commands.ts")).toEqual([]);
});
