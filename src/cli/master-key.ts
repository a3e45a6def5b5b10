/**
 * `kms master-key rotate [--data-dir D] [--master-key-file F] [--new-master-key-file F2] [--batch-size N]`:
 * re-seals every stored object under a new master key (see rotateMasterKey in src/server/storage.ts).
 * Run it with the server stopped; start the server again afterwards.
 */
import { ConfigError } from "../server/config.ts";
import { rotateMasterKey } from "../server/storage.ts";
import type { Command } from "./commands.ts";
import { parseStorageArgs } from "./storage-args.ts";

const USAGE = `usage: kms master-key rotate [--data-dir DIR] [--master-key-file FILE] [--new-master-key-file FILE2] [--batch-size N]

Re-seals every stored object under a new master key, in transactions of N objects (default 500).
Stop the server first, and start it again afterwards.
Without --new-master-key-file, a new key is generated and replaces the key file once every object
is re-sealed (the previous key is kept in FILE.retired-<id>, for backups taken before). With it,
that file's key is used (generated there if the file does not exist): start the server with it.
Interrupted, the command (or, without --new-master-key-file, the next server start) finishes the job.`;

export const masterKeyCommand: Command = {
  name: "master-key",
  summary: "rotate the master key that seals the stored objects (kms master-key rotate --help)",
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "rotate" || rest.includes("-h") || rest.includes("--help")) {
      process.stdout.write(USAGE + "\n");
      return sub === "rotate" || sub === "-h" || sub === "--help" ? 0 : 2;
    }
    let args;
    let batch: number | undefined;
    try {
      args = parseStorageArgs(rest, ["--new-master-key-file", "--batch-size"]);
      if (args.words.length) throw new ConfigError(`unexpected argument ${args.words[0]}`);
      const b = args.flags.get("--batch-size");
      if (b !== undefined) {
        batch = Number(b);
        if (!Number.isInteger(batch) || batch <= 0)
          throw new ConfigError(`--batch-size must be a positive integer, got "${b}"`);
      }
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    const log = args.log;
    let reported = 0;
    try {
      const r = await rotateMasterKey({
        ...args,
        newMasterKeyFile: args.flags.get("--new-master-key-file"),
        batch,
        progress: (done) => {
          if (reported === 0 || done - reported >= 1000) log.info("re-sealed", { objects: done }), (reported = done);
        },
      });
      const lines = [`${r.objects} objects re-sealed under master key ${r.newKeyId} (was ${r.oldKeyId}).`];
      if (r.retired) {
        lines.push(
          `The master key file ${r.masterKeyFile} now holds the new key.`,
          `The previous key is kept in ${r.retired}: backups taken before now need it; destroy it once they are gone.`,
        );
      } else {
        lines.push(
          `${r.generated ? "The new key was generated into" : "The new key is"} ${r.masterKeyFile}: start the server with --master-key-file ${r.masterKeyFile}.`,
          `The previous key is only needed by backups taken before now.`,
        );
      }
      process.stdout.write(lines.join("\n") + "\n");
      return 0;
    } catch (e) {
      log.error("master key rotation failed", { error: e instanceof Error ? e.message : String(e) });
      return 1;
    }
  },
};
