/**
 * Whole-file encryption done by the server (`kms ec encrypt`, `kms rsa encrypt`, `kms cc encrypt`,
 * and their decrypt): the file is read, sent as one KMIP Encrypt/Decrypt, and the answer written
 * to the output through a temporary file. For files that do not fit in memory, `kms sym encrypt`.
 */
import type { KmipRecord } from "../kmip/struct.ts";
import { CliError, targetUid } from "./client.ts";
import { KEY_ID_OPTION, TAG_OPTION, list, str, type Context, type Leaf, type Option } from "./framework.ts";
import { defaultOutput, writeOutput } from "./io.ts";
import { readInput } from "./key-actions.ts";

/** Largest file sent whole to the server (the server's own request limit is what really counts). */
export const MAX_WHOLE_FILE = 64 * 1024 * 1024;

export interface DataLeafSpec {
  verb: "encrypt" | "decrypt";
  summary: string;
  keyHelp: string;
  args?: string;
  min?: number;
  max?: number;
  options?: Record<string, Option>;
  /** Builds the request's Data (and extra fields) from the file bytes. */
  request?(ctx: Context, data: Uint8Array): KmipRecord;
  /** Extracts the output bytes from the reply. */
  reply?(ctx: Context, r: KmipRecord): Uint8Array;
}

export function dataLeaf(spec: DataLeafSpec): Leaf {
  return {
    name: spec.verb,
    summary: spec.summary,
    args: spec.args ?? "FILE",
    min: spec.min ?? 1,
    max: spec.max ?? 1,
    options: {
      "key-id": { ...KEY_ID_OPTION, help: spec.keyHelp },
      tag: TAG_OPTION,
      "output-file": {
        type: "string",
        short: "o",
        arg: "FILE",
        help: `output file (default: FILE with extension .${spec.verb === "encrypt" ? "enc" : "plain"})`,
      },
      ...(spec.options ?? {}),
    },
    async run(ctx) {
      const input = ctx.positionals[0];
      const uid = targetUid(str(ctx, "key-id"), list(ctx, "tag"));
      const output = str(ctx, "output-file") ?? defaultOutput(input, spec.verb === "encrypt" ? "enc" : "plain");
      const data = readInput(input);
      if (data.length > MAX_WHOLE_FILE)
        throw new CliError(`${input} is larger than ${MAX_WHOLE_FILE >> 20} MiB; use kms sym encrypt for large files`);
      const fields = spec.request ? spec.request(ctx, data) : { Data: data };
      const r = await ctx
        .client()
        .kmip(spec.verb === "encrypt" ? "Encrypt" : "Decrypt", { UniqueIdentifier: uid, ...fields });
      const out = spec.reply ? spec.reply(ctx, r) : (r.Data as Uint8Array | undefined);
      if (!(out instanceof Uint8Array)) throw new CliError(`the KMS answer to ${spec.verb} holds no data`);
      await writeOutput(output, out);
      ctx.print(`The ${spec.verb}ed file is available at ${output}`, { output_file: output, bytes: out.length });
    },
  };
}
