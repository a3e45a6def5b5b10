/** The server version, reported by /version and Query. */
export const VERSION = "0.1.0";
export const VERSION_STRING = `${VERSION} (TS KMS, Bun)`;
