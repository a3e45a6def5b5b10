/**
 * `kms fpe`: format-preserving encryption (FF1) of text or integers by the server, with ckms's
 * names: `--type text|integer|float`, `--alphabet NAME|CHARS`, `--tweak HEX`, input from FILE or
 * stdin, output to `-o FILE` (default: FILE.enc / FILE.plain) or stdout.
 */
import { readFileSync } from "node:fs";
import type { KmipRecord } from "../kmip/struct.ts";
import { CliError, targetUid } from "./client.ts";
import {
  KEY_ID_OPTION,
  TAG_OPTION,
  choice,
  command,
  list,
  printIds,
  str,
  type Context,
  type Leaf,
} from "./framework.ts";
import { CREATE_OPTIONS, createAttributes, keyLifecycle, readInput } from "./key-actions.ts";
import { defaultOutput, writeOutput } from "./io.ts";
import { hexArg } from "./cc.ts";

const TYPES = ["text", "integer", "float"] as const;

/** The metadata ckms sends as AuthenticatedEncryptionAdditionalData. */
export function fpeMetadata(type: (typeof TYPES)[number], alphabet: string | undefined): string {
  if (type === "text") return alphabet ?? "alpha_numeric";
  if (type === "integer") return JSON.stringify({ type, alphabet: alphabet ?? "numeric" });
  return JSON.stringify({ type });
}

function fpeLeaf(verb: "encrypt" | "decrypt"): Leaf {
  return {
    name: verb,
    summary: `${verb} text or numbers with a format-preserving (FF1) key, by the server`,
    args: "[FILE]",
    max: 1,
    details: "Without FILE the input is read from stdin and the result written to stdout (or -o FILE).",
    options: {
      "key-id": { ...KEY_ID_OPTION, help: "the FPE key's unique identifier" },
      tag: TAG_OPTION,
      type: { type: "string", arg: "TYPE", help: "text (default), integer or float" },
      alphabet: {
        type: "string",
        arg: "ALPHABET",
        help: "a preset (numeric, alpha_numeric, ...) or the characters themselves",
      },
      tweak: { type: "string", arg: "HEX", help: "tweak, hex" },
      "output-file": { type: "string", short: "o", arg: "FILE", help: "output file" },
    },
    async run(ctx: Context) {
      const uid = targetUid(str(ctx, "key-id"), list(ctx, "tag"));
      const type = choice(str(ctx, "type") ?? "text", TYPES, "FPE data type");
      const file = ctx.positionals[0];
      let data: Uint8Array;
      if (file) data = readInput(file);
      else {
        try {
          data = new Uint8Array(readFileSync(0));
        } catch (e) {
          throw new CliError(`cannot read stdin: ${(e as Error).message}`);
        }
      }
      if (type !== "text") {
        let end = data.length;
        if (data[end - 1] === 0x0a) end--;
        if (data[end - 1] === 0x0d) end--;
        data = data.subarray(0, end);
      }
      const tweak = str(ctx, "tweak");
      const payload: KmipRecord = {
        UniqueIdentifier: uid,
        CryptographicParameters: { CryptographicAlgorithm: "FPE_FF1" },
        Data: data,
        ...(tweak ? { IVCounterNonce: hexArg(tweak) } : {}),
        AuthenticatedEncryptionAdditionalData: new TextEncoder().encode(fpeMetadata(type, str(ctx, "alphabet"))),
      };
      const r = await ctx.client().kmip(verb === "encrypt" ? "Encrypt" : "Decrypt", payload);
      const out = r.Data as Uint8Array | undefined;
      if (!(out instanceof Uint8Array)) throw new CliError(`the KMS answer to ${verb} holds no data`);
      const output =
        str(ctx, "output-file") ?? (file ? defaultOutput(file, verb === "encrypt" ? "enc" : "plain") : undefined);
      if (output === undefined) {
        if (ctx.json) ctx.print("", { data: new TextDecoder().decode(out) });
        else process.stdout.write(out);
        return;
      }
      await writeOutput(output, out);
      ctx.print(`The ${verb}ed file is available at ${output}`, { output_file: output, bytes: out.length });
    },
  };
}

const create: Leaf = {
  name: "create",
  summary: "create a format-preserving encryption (FF1) key; prints its unique identifier",
  args: "[KEY_ID]",
  max: 1,
  options: CREATE_OPTIONS,
  async run(ctx) {
    const attrs = createAttributes(ctx, { CryptographicAlgorithm: "FPE_FF1", CryptographicLength: 256 });
    if (ctx.positionals[0]) attrs.UniqueIdentifier = ctx.positionals[0];
    const r = await ctx.client().kmip("Create", { ObjectType: "SymmetricKey", Attributes: attrs });
    printIds(ctx, "The FPE key was successfully generated.", { "Unique identifier": r.UniqueIdentifier as string });
  },
};

export const fpeCommand = command({
  name: "fpe",
  summary: "format-preserving encryption (kms fpe --help)",
  children: [
    {
      name: "keys",
      summary: "create, export, import, revoke and destroy FPE keys",
      children: [create, ...keyLifecycle("FPE key")],
    },
    fpeLeaf("encrypt"),
    fpeLeaf("decrypt"),
  ],
});
