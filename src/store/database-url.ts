/**
 * Database URLs in messages: the password (and any secret-looking query parameter) masked. Kept
 * apart from postgres.ts so that configuration code does not load the PostgreSQL client.
 */

/** `postgres://user:password@host/db` with the password replaced by `***` (for logs and errors). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(key)) u.searchParams.set(key, "***");
    return u.toString();
  } catch {
    return "(unparsable database URL)";
  }
}
