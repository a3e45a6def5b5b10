/**
 * The executable's entry point: `kms [serve] [options]` runs the server; `kms <command> ...` runs
 * one of the commands listed in commands.ts; `kms help` lists them. Each side is imported only when
 * used: the server starts without loading the commands, and a command runs without the server.
 */
export async function run(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  // no word, an option or `serve`: the server
  if (first === undefined || first === "serve" || first.startsWith("-"))
    return serveWith(first === "serve" ? rest : argv);
  const { COMMANDS } = await import("./commands.ts");
  if (first === "help" || first === "commands") {
    const width = Math.max(5, ...COMMANDS.map((c) => c.name.length));
    const lines = ["usage: kms [serve] [options]     start the server (kms --help lists its options)"];
    for (const c of COMMANDS) lines.push(`       kms ${c.name.padEnd(width)} ...  ${c.summary}`);
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command) return command.run(rest);
  return serveWith(argv);
}

async function serveWith(argv: string[]): Promise<undefined> {
  const { serve } = await import("../server/main.ts");
  await serve(argv);
  return undefined; // the server keeps the process alive
}

if (import.meta.main) {
  const code = await run(process.argv.slice(2));
  if (code !== undefined) process.exit(code);
}
