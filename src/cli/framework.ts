/**
 * The client commands' skeleton: a tree of groups (`kms sym keys ...`) ending in leaves that parse
 * their flags with node:util's parseArgs, plus the connection flags every leaf accepts, `--help`
 * at every level, `--json` output, and the exit codes (0 ok, 1 failure, 2 usage).
 */
import { parseArgs } from "node:util";
import { CliError, KmsClient, resolveSettings, type ConnectionFlags } from "./client.ts";
import type { Command } from "./commands.ts";

export interface Option {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Shown in --help. */
  help: string;
  /** Placeholder in --help (string options). */
  arg?: string;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Context {
  values: Values;
  positionals: string[];
  /** The KMS client (settings resolved on first use). */
  client(): KmsClient;
  json: boolean;
  quiet: boolean;
  /** Prints the human text, or (with --json) the JSON value. */
  print(human: string, json: unknown): void;
}

export interface Leaf {
  name: string;
  summary: string;
  /** Positional arguments, for the usage line, e.g. "FILE [KEY_ID]". */
  args?: string;
  /** Bounds on the number of positional arguments. */
  min?: number;
  max?: number;
  /** More text for --help. */
  details?: string;
  options?: Record<string, Option>;
  /** Runs the command; throws CliError on failure. */
  run(ctx: Context): Promise<void>;
}

export interface Group {
  name: string;
  summary: string;
  children: (Group | Leaf)[];
}

const isGroup = (n: Group | Leaf): n is Group => "children" in n;

export const CONNECTION_OPTIONS: Record<string, Option> = {
  "kms-url": { type: "string", arg: "URL", help: "the KMS server URL (env KMS_URL; default http://localhost:9998)" },
  conf: { type: "string", arg: "FILE", help: "configuration file (env KMS_CLI_CONF; default ~/.config/kms/kms.toml)" },
  "api-key-file": {
    type: "string",
    arg: "FILE",
    help: "file holding the API key (env KMS_API_KEY holds the key itself)",
  },
  "jwt-file": { type: "string", arg: "FILE", help: "file holding a JWT (env KMS_JWT holds the token itself)" },
  "ca-file": { type: "string", arg: "FILE", help: "PEM trust anchors for the server certificate" },
  "tls-client-cert": { type: "string", arg: "FILE", help: "PEM TLS client certificate" },
  "tls-client-key": { type: "string", arg: "FILE", help: "PEM key of the TLS client certificate" },
  "accept-invalid-certs": { type: "boolean", help: "accept a self-signed or otherwise invalid server certificate" },
  json: { type: "boolean", help: "print results as JSON" },
  quiet: { type: "boolean", short: "q", help: "no progress output" },
  "print-json": { type: "boolean", help: "print each KMIP request and response on stderr" },
  help: { type: "boolean", short: "h", help: "this help" },
};

function optionLines(options: Record<string, Option>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` ${o.arg ?? "VALUE"}` : ""}`;
    return [flag, o.help + (o.multiple ? " (repeatable)" : "")];
  });
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`);
}

function leafHelp(path: string, leaf: Leaf): string {
  const lines = [
    `usage: ${path}${leaf.options && Object.keys(leaf.options).length ? " [options]" : ""}${leaf.args ? ` ${leaf.args}` : ""}`,
    "",
    leaf.summary + ".",
  ];
  if (leaf.details) lines.push("", leaf.details);
  if (leaf.options && Object.keys(leaf.options).length) lines.push("", "options:", ...optionLines(leaf.options));
  lines.push("", "connection and output:", ...optionLines(CONNECTION_OPTIONS));
  return lines.join("\n");
}

function groupHelp(path: string, group: Group): string {
  const width = Math.max(...group.children.map((c) => c.name.length));
  return [
    `usage: ${path} <command> ...`,
    "",
    group.summary + ".",
    "",
    "commands:",
    ...group.children.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `${path} <command> --help describes one.`,
  ].join("\n");
}

async function runLeaf(path: string, leaf: Leaf, argv: string[]): Promise<number> {
  const options = { ...CONNECTION_OPTIONS, ...(leaf.options ?? {}) };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => [
          k,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message.split("\n")[0]}\n(${path} --help lists the options)\n`);
    return 2;
  }
  const values = parsed.values as Values;
  if (values.help) {
    process.stdout.write(leafHelp(path, leaf) + "\n");
    return 0;
  }
  const n = parsed.positionals.length;
  if (n < (leaf.min ?? 0) || n > (leaf.max ?? 0)) {
    const want = leaf.args ? `expected ${leaf.args}` : "expected no argument";
    process.stderr.write(
      `error: ${n > (leaf.max ?? 0) ? `unexpected argument "${parsed.positionals[leaf.max ?? 0]}"` : "missing argument"}: ${want}\n(${path} --help)\n`,
    );
    return 2;
  }
  const json = !!values.json;
  let client: KmsClient | undefined;
  const ctx: Context = {
    values,
    positionals: parsed.positionals,
    client: () => (client ??= new KmsClient(resolveSettings(values as ConnectionFlags))),
    json,
    quiet: !!values.quiet,
    print(human, value) {
      process.stdout.write(
        json ? JSON.stringify(value, null, 2) + "\n" : human.endsWith("\n") || human === "" ? human : human + "\n",
      );
    },
  };
  try {
    await leaf.run(ctx);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message.replace(/\s*\n\s*/g, " ")}\n`);
      return e.code;
    }
    process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

async function runNode(path: string, node: Group | Leaf, argv: string[]): Promise<number> {
  if (!isGroup(node)) return runLeaf(path, node, argv);
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    process.stdout.write(groupHelp(path, node) + "\n");
    return first === undefined ? 2 : 0;
  }
  const child = node.children.find((c) => c.name === first);
  if (!child) {
    process.stderr.write(
      `error: unknown command "${first}" for ${path}; known: ${node.children.map((c) => c.name).join(", ")}\n`,
    );
    return 2;
  }
  return runNode(`${path} ${child.name}`, child, rest);
}

/** A top-level `kms` command from a group or a leaf. */
export function command(node: Group | Leaf): Command {
  return { name: node.name, summary: node.summary, run: (argv) => runNode(`kms ${node.name}`, node, argv) };
}

// ----------------------------------------------------------------------------------------------
// Small helpers for the leaves

export const str = (ctx: Context, name: string): string | undefined => ctx.values[name] as string | undefined;
export const list = (ctx: Context, name: string): string[] => (ctx.values[name] as string[] | undefined) ?? [];
export const flag = (ctx: Context, name: string): boolean => !!ctx.values[name];

/** A non-negative integer flag. */
export function intFlag(ctx: Context, name: string, fallback?: number): number | undefined {
  const v = str(ctx, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new CliError(`--${name} must be a non-negative integer, got "${v}"`, 2);
  return Number(v);
}

/** Picks a value from a fixed list (case-insensitive), else a usage error listing them. */
export function choice<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw new CliError(`unknown ${what} "${value}"; one of: ${allowed.join(", ")}`, 2);
  return found;
}

export const TAG_OPTION: Option = {
  type: "string",
  short: "t",
  multiple: true,
  arg: "TAG",
  help: "a tag of the object",
};
export const KEY_ID_OPTION: Option = { type: "string", short: "k", arg: "ID", help: "the key's unique identifier" };

/** Prints `message` and the unique identifier(s), as ckms does. */
export function printIds(ctx: Context, message: string, ids: Record<string, string>): void {
  const human = [message, ...Object.entries(ids).map(([label, id]) => `\t  ${label}: ${id}`)].join("\n");
  const json: Record<string, string> = {};
  for (const [label, id] of Object.entries(ids)) json[label.toLowerCase().replace(/ /g, "_")] = id;
  ctx.print(human, json);
}
