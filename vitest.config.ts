import { existsSync } from "node:fs";
import { configDefaults, defineConfig } from "vitest/config";
import { spawnSync } from "node:child_process";

/** The integration suites that also run against the Deno-served server (project integration-deno). */
export const DENO_SUITES = [
  "test/compat/*.test.ts",
  "test/server/kmip-symmetric.test.ts",
  "test/server/big-payload.test.ts",
  "test/server/covercrypt.test.ts",
  "test/server/fpe.test.ts",
  "test/server/runtime.test.ts",
  "test/server/bad-input.test.ts",
  "test/server/limits.test.ts",
  "test/conformance/runner.test.ts",
  "test/conformance/deno-subset.test.ts",
];

/**
 * Deno comes from npm (the `deno` devDependency). Without it the integration-deno project is left
 * out with one printed line, except under CI=true, where it stays and fails on the missing Deno.
 */
const denoMissing = spawnSync("node_modules/.bin/deno", ["--version"]).status !== 0;
if (denoMissing && process.env.CI !== "true")
  console.log("SKIP integration-deno: node_modules/.bin/deno does not run (npm ci installs it)");

// unit = pure modules beside their sources; integration = real servers, real SQLite files, real clients;
// integration-postgres = a representative part of the integration suites again, each server on its
// own database in a throwaway PostgreSQL cluster (test/helpers/server.ts reads KMS_TEST_DATABASE).
// The conformance corpus (a server and a database per scenario) takes minutes there, so it is left
// out; `KMS_TEST_DATABASE=postgresql npx bun --bun vitest run test/conformance` runs it by hand.
const POSTGRES_SUITES = [
  "test/server/kmip-symmetric.test.ts",
  "test/server/big-payload.test.ts",
  "test/server/keypairs.test.ts",
  "test/server/bad-input.test.ts",
  "test/server/certify.test.ts",
  "test/compat/access.test.ts",
  "test/compat/client-symmetric.test.ts",
  "test/compat/client-objects.test.ts",
  "test/reliability/authorization-matrix.test.ts",
  "test/compat/client-wrapping.test.ts",
];

const pgBin = [
  "/usr/lib/postgresql/17/bin",
  "/usr/lib/postgresql/16/bin",
  "/usr/lib/postgresql/15/bin",
  "/usr/local/bin",
  "/usr/bin",
];
const postgresInstalled = pgBin.some((d) => existsSync(`${d}/initdb`) && existsSync(`${d}/pg_ctl`));
if (!postgresInstalled && process.env.CI !== "true") {
  console.log("SKIP integration-postgres: PostgreSQL is not installed (apt-get install postgresql)");
}

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
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/portability/**", "test/conformance/deno-subset.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      // Under CI=true the project runs even without PostgreSQL, and fails (startPostgres throws).
      ...(postgresInstalled || process.env.CI === "true"
        ? [
            {
              extends: true as const,
              test: {
                name: "integration-postgres",
                include: POSTGRES_SUITES,
                env: { KMS_TEST_DATABASE: "postgresql" },
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
      // The same integration tests against the server run by Deno (a child process, see
      // test/helpers/server.ts): the real cloudproof_kms_js client, symmetric, CoverCrypt, FPE, bad
      // input and limits, part of the conformance corpus.
      // Tests that reach into the server object (rotation, the store) stay Bun-only.
      ...(denoMissing && process.env.CI !== "true"
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: "integration-deno",
                include: [...DENO_SUITES],
                env: { KMS_TEST_RUNTIME: "deno" },
                testTimeout: 60_000,
                hookTimeout: 60_000,
              },
            },
          ]),
    ],
  },
});
