/**
 * Structured logs: one JSON object per line on stderr. Callers pass only identifiers, names and
 * sizes, never key material, plaintext or tokens (tested by the secrets regression test).
 */
import type { Logger, LogLevel } from "../operations/context.ts";

export type { Logger, LogLevel };

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  level: LogLevel = "info",
  sink: (line: string) => void = (l) => process.stderr.write(l + "\n"),
): Logger {
  const logger: Logger = {
    level,
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
  function write(l: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (LEVELS[l] < LEVELS[logger.level]) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level: l, msg, ...fields }));
  }
  return logger;
}

export const silentLogger: Logger = createLogger("error", () => {});
