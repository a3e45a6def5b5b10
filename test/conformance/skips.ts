/**
 * Scenarios of the Cosmian corpus we do not run, each with its reason (filled from the runs; see
 * README.md). HSM and binary-TTLV scenarios are recognised from their manifests (runner.ts).
 */
export const SKIPS: Record<string, string> = {};
