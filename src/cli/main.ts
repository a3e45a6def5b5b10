/**
 * The executable's entry point: `kms [serve] [options]` runs the server; `kms <command> ...` runs
 * one of the commands listed in commands.ts; `kms help` lists them.
 */
import { serve } from "../server/main.ts";
import { COMMANDS } from "./commands.ts";

export async function run(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === "help" || first === "commands") {
    const width = Math.max(5, ...COMMANDS.map((c) => c.name.length));
    const lines = ["usage: kms [serve] [options]     start the server (kms --help lists its options)"];
    for (const c of COMMANDS) lines.push(`       kms ${c.name.padEnd(width)} ...  ${c.summary}`);
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command) return command.run(rest);
  await serve(first === "serve" ? rest : argv);
  return undefined; // the server keeps the process alive
}

if (import.meta.main) {
  const code = await run(process.argv.slice(2));
  if (code !== undefined) process.exit(code);
}
