/**
 * Dependencies point one way: cli -> server -> operations -> auth / store -> hsm -> runtime -> kmip -> crypto -> native.
 * `src/hsm` is the PKCS#11 device access: it knows nothing of KMIP (it imports no other layer).
 * `src/runtime` is the seam between Bun and Deno (SQLite, HTTP serving): the store reaches bun:sqlite
 * only through it.
 * A layer imports itself, the layers below it and libraries, never a layer above (auth may use
 * store; store never uses auth). `src/kmip` and `src/crypto` import nothing Bun-only either, so the
 * protocol and crypto core stay portable to Node and Deno.
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
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] ?? m[2]);
}

/** The layers, highest first. */
const LAYERS = [
  "src/cli",
  "src/server",
  "src/operations",
  "src/auth",
  "src/store",
  "src/hsm",
  "src/runtime",
  "src/kmip",
  "src/crypto",
  "native",
] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import besides itself and libraries ("package"; "bun" = bun:* modules). */
const ALLOWED: Record<Layer, string[]> = {
  "src/cli": [
    "src/server",
    "src/operations",
    "src/auth",
    "src/store",
    "src/hsm",
    "src/runtime",
    "src/kmip",
    "src/crypto",
    "native",
    "bun",
  ],
  "src/server": [
    "src/operations",
    "src/auth",
    "src/store",
    "src/hsm",
    "src/runtime",
    "src/kmip",
    "src/crypto",
    "native",
    "bun",
  ],
  "src/operations": ["src/auth", "src/store", "src/hsm", "src/runtime", "src/kmip", "src/crypto", "native", "bun"],
  "src/auth": ["src/store", "src/kmip", "src/crypto", "native"],
  "src/store": ["src/hsm", "src/runtime", "src/kmip", "src/crypto", "native"],
  "src/hsm": [],
  "src/runtime": ["src/kmip", "bun"],
  "src/kmip": ["src/crypto"],
  "src/crypto": ["native"],
  native: ["bun"], // build-time plugins (native/embed-plugin.ts) run under Bun
};

function layerOf(spec: string, from: string): string {
  if (!spec.startsWith(".")) return spec.startsWith("bun:") || spec === "bun" ? "bun" : "package";
  const rel = path.relative(root, path.resolve(path.dirname(from), spec)).split(path.sep);
  // package.json is data (the version string), like a library: any layer may read it
  if (rel.length === 1 && rel[0] === "package.json") return "package";
  return rel[0] === "native" ? "native" : rel.slice(0, 2).join("/");
}

test("every source file lives in a layer", () => {
  const outside = files(path.join(root, "src"))
    .map((f) => path.relative(root, f))
    .filter((f) => !LAYERS.some((l) => f.startsWith(`${l}/`)));
  expect(outside, `files outside the layers ${LAYERS.join(", ")}`).toEqual([]);
});

test.each(LAYERS.map((l) => [l] as const))("%s imports only itself, lower layers and libraries", (dir) => {
  const allowed = new Set([dir, "package", ...ALLOWED[dir]]);
  const offending: string[] = [];
  for (const file of files(path.join(root, dir))) {
    for (const spec of imports(file)) {
      const target = layerOf(spec, file);
      if (!allowed.has(target))
        offending.push(`${path.relative(root, file)} imports ${spec} (${target}), which ${dir} may not use`);
    }
  }
  expect(offending, `imports against the layering ${LAYERS.join(" -> ")}`).toEqual([]);
});
