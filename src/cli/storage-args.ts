/**
 * Command-line parsing shared by the commands that work on the data folder (master-key, backup):
 * their own flags are taken out, the rest goes through the server's options (--data-dir,
 * --master-key-file, -c FILE, KMS_* variables), so a command sees the folder the server would.
 */
import { ConfigError, loadConfig } from "../server/config.ts";
import { createLogger, type Logger } from "../server/log.ts";

export interface StorageArgs {
  dataDir: string;
  masterKeyFile?: string;
  log: Logger;
  /** Values of the command's own flags. */
  flags: Map<string, string>;
  /** Words that are not flags. */
  words: string[];
}

/** Throws ConfigError on a bad command line. `own` lists the command's flags (each takes a value). */
export function parseStorageArgs(argv: string[], own: string[]): StorageArgs {
  const flags = new Map<string, string>();
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = arg.startsWith("-") && eq > 0 ? arg.slice(0, eq) : arg;
    if (own.includes(name)) {
      const value = eq > 0 && arg.startsWith("-") ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new ConfigError(`${name} needs a value`);
      flags.set(name, value);
    } else if (!arg.startsWith("-")) words.push(arg);
    else {
      // every server option takes a value (-h, -V and the --metrics switch aside)
      rest.push(arg);
      if (eq < 0 && !["-h", "--help", "-V", "--version", "--metrics"].includes(arg)) {
        const value = argv[++i];
        if (value === undefined) throw new ConfigError(`${arg} needs a value`);
        rest.push(value);
      }
    }
  }
  const parsed = loadConfig(rest);
  if (parsed.kind !== "run") throw new ConfigError("see kms help");
  return {
    dataDir: parsed.config.dataDir,
    masterKeyFile: parsed.config.masterKeyFile,
    log: createLogger(parsed.config.logLevel),
    flags,
    words,
  };
}
