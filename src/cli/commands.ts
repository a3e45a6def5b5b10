/**
 * The table of `kms` subcommands: the first word of the command line picks one; anything else
 * (no word, an option, or `serve`) starts the server. Each command lives in its own file in
 * src/cli/ and parses the rest of its command line itself.
 */
import { auditCommand } from "./audit.ts";
import { backupCommand } from "./backup.ts";
import { masterKeyCommand } from "./master-key.ts";
import { symCommand } from "./sym.ts";
import { ecCommand } from "./ec.ts";
import { rsaCommand } from "./rsa.ts";
import { ccCommand } from "./cc.ts";
import { fpeCommand } from "./fpe.ts";
import { locateCommand } from "./locate.ts";
import { getAttributesCommand } from "./get-attributes.ts";
import { accessRightsCommand } from "./access-rights.ts";
import { serverVersionCommand } from "./server-version.ts";
import { dbCommand } from "./db.ts";

export interface Command {
  /** The first word on the command line, e.g. `audit` for `kms audit verify FILE`. */
  name: string;
  /** One line for `kms help`. */
  summary: string;
  /** Runs with the words after the name; resolves to the process exit code (0 ok, 1 failure, 2 usage). */
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Command[] = [
  masterKeyCommand,
  backupCommand,
  auditCommand,
  dbCommand,
  // client commands (ckms's layout): they talk to a running server
  symCommand,
  ecCommand,
  rsaCommand,
  ccCommand,
  fpeCommand,
  locateCommand,
  getAttributesCommand,
  accessRightsCommand,
  serverVersionCommand,
];
