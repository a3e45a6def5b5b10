/**
 * Dependencies point one way (spec/architecture.md): server -> operations -> (kmip, crypto, store, auth).
 * `src/kmip` and `src/crypto` import nothing from the rest and nothing Bun-only, so the protocol and
 * crypto core stay portable to Node and Deno.
 */
import { expect, test } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
}

const layer = (spec: string, from: string) => {
  if (!spec.startsWith(".")) return spec.startsWith("bun:") ? "bun" : "package";
  const rel = path.relative(root, path.resolve(path.dirname(from), spec));
  return rel.split(path.sep).slice(0, 2).join("/");
};

test.each([
  ["src/kmip", ["src/kmip", "src/crypto", "package"]],
  ["src/crypto", ["src/crypto", "native/sodium.ts", "package"]],
  ["src/store", ["src/store", "src/kmip", "src/crypto", "package", "bun"]],
  ["src/auth", ["src/auth", "src/kmip", "src/crypto", "src/store", "package"]],
])("%s imports only %j", (dir, allowed) => {
  const offending: string[] = [];
  for (const file of files(path.join(root, dir))) {
    for (const spec of imports(file)) {
      const target = layer(spec, file);
      if (!allowed.includes(target)) offending.push(`${path.relative(root, file)} -> ${spec}`);
    }
  }
  expect(offending).toEqual([]);
});
