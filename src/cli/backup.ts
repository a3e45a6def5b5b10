/**
 * `kms backup [--data-dir D] [--master-key-file F] DEST`: a consistent copy of the database (SQLite
 * VACUUM INTO), mode 0600, safe while the server runs. The objects stay sealed: restoring the copy
 * (as the kms.db of a data folder) needs the master key, which is not in it.
 */
import { ConfigError } from "../server/config.ts";
import { backupStore } from "../server/storage.ts";
import type { Command } from "./commands.ts";
import { parseStorageArgs } from "./storage-args.ts";

const USAGE = `usage: kms backup [--data-dir DIR] [--master-key-file FILE] DEST

Writes a consistent copy of DIR/kms.db to DEST (a new file, mode 0600); the server may be running.
The stored objects stay sealed under the master key, which is not in the copy: back the key up
separately. To restore, stop the server, copy DEST to DIR/kms.db and start it with that master key.`;

export const backupCommand: Command = {
  name: "backup",
  summary: "copy the database, still sealed, to a file (kms backup --help)",
  async run(argv) {
    if (argv.includes("-h") || argv.includes("--help")) return (void process.stdout.write(USAGE + "\n"), 0);
    let args;
    try {
      args = parseStorageArgs(argv, []);
      if (args.words.length !== 1) throw new ConfigError("give exactly one destination file");
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    try {
      const { keyId } = await backupStore({ ...args, dest: args.words[0] });
      process.stdout.write(
        `backup written to ${args.words[0]} (mode 0600), sealed under master key ${keyId}: restoring it needs that key.\n`,
      );
      return 0;
    } catch (e) {
      args.log.error("backup failed", { error: e instanceof Error ? e.message : String(e) });
      return 1;
    }
  },
};
