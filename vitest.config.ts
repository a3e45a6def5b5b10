import { configDefaults, defineConfig } from "vitest/config";

// unit = pure modules beside their sources; integration = real servers, real SQLite files, real clients.
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print the plain "N passed, N failed" closing line.
    reporters: ["default", "json"],
    outputFile: { json: ".tmp/vitest-results.json" },
    projects: [
      // 30 s: a few pure-JS known-answer tests (SLH-DSA key generation) take seconds on a busy 2-core machine.
      { extends: true, test: { name: "unit", include: ["src/**/*.test.ts"], testTimeout: 30_000 } },
      // test/portability/ holds tests for other runtimes (Deno: npm run test:deno), not for vitest.
      {
        extends: true,
        test: { name: "integration", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, "test/portability/**"], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
