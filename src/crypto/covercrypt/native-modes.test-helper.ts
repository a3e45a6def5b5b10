/**
 * The modes CoverCrypt tests run in: the native addon (native/ristretto) and the TypeScript path.
 * Where the addon is missing, the native mode FAILS under CI=true (the addon is part of the build:
 * .ci/run installs libsodium-dev and libssl-dev and compiles it) and is otherwise skipped with one
 * printed line.
 */
import * as nativeGroup from "./native-group.ts";

let warned = false;

export function nativeModes(): { name: string; native: boolean }[] {
  if (nativeGroup.available)
    return [
      { name: "native addon", native: true },
      { name: "TypeScript", native: false },
    ];
  if (process.env.CI === "true")
    throw new Error("the ristretto255 addon is not built or does not load (run: bun native/ristretto/build.ts)");
  if (!warned) {
    warned = true;
    console.warn("SKIP native CoverCrypt mode: the ristretto255 addon is not built (bun native/ristretto/build.ts)");
  }
  return [{ name: "TypeScript", native: false }];
}
