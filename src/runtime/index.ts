/**
 * The runtime seam: picks bun.ts or deno.ts by the global the runtime defines. Imports of
 * runtime-specific modules (bun:sqlite, node:sqlite, Deno.serve) live only in those two files.
 */
import type { Runtime } from "./types.ts";

export type * from "./types.ts";
export { refuseNul } from "./types.ts";

export const isDeno = "Deno" in globalThis;

export const runtime: Runtime = isDeno ? (await import("./deno.ts")).runtime : (await import("./bun.ts")).runtime;
