/**
 * `kms sym`: symmetric keys (create, import, export, revoke, destroy, rekey, rotation policy) and
 * envelope encryption of files (see envelope.ts), with ckms's command and flag names.
 */
import type { KmipRecord } from "../kmip/struct.ts";
import { CliError, targetUid } from "./client.ts";
import { decryptFile, encryptFile, Progress } from "./envelope.ts";
import { CREATE_OPTIONS, createAttributes, keyLifecycle } from "./key-actions.ts";
import {
  KEY_ID_OPTION,
  TAG_OPTION,
  choice,
  command,
  intFlag,
  list,
  printIds,
  str,
  type Context,
  type Leaf,
  type Option,
} from "./framework.ts";
import { defaultOutput } from "./io.ts";
import { rotationAttributes, ROTATION_OPTIONS, rotationPolicyLeaves } from "./rotation-policy.ts";

const ALGORITHMS = { aes: "AES", chacha20: "ChaCha20" } as const;

const create: Leaf = {
  name: "create",
  summary: "create a new symmetric key; prints its unique identifier",
  args: "[KEY_ID]",
  max: 1,
  options: {
    "number-of-bits": { type: "string", short: "l", arg: "BITS", help: "key length in bits (default 256)" },
    "bytes-b64": {
      type: "string",
      short: "k",
      arg: "BASE64",
      help: "the key bytes, base64 (imports them instead of generating)",
    },
    algorithm: { type: "string", short: "a", arg: "ALG", help: "aes (default) or chacha20" },
    ...CREATE_OPTIONS,
    ...ROTATION_OPTIONS,
  },
  async run(ctx) {
    const algorithm =
      ALGORITHMS[
        choice(str(ctx, "algorithm") ?? "aes", Object.keys(ALGORITHMS) as (keyof typeof ALGORITHMS)[], "algorithm")
      ];
    const b64 = str(ctx, "bytes-b64");
    let bits = intFlag(ctx, "number-of-bits", 256)!;
    const keyId = ctx.positionals[0];
    let bytes: Uint8Array | undefined;
    if (b64 !== undefined) {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new CliError("--bytes-b64 is not base64", 2);
      bytes = new Uint8Array(Buffer.from(b64, "base64"));
      bits = bytes.length * 8;
    }
    if (algorithm === "AES" && ![128, 192, 256].includes(bits))
      throw new CliError(`an AES key has 128, 192 or 256 bits, not ${bits}`, 2);
    if (algorithm === "ChaCha20" && bits !== 256) throw new CliError(`a ChaCha20 key has 256 bits, not ${bits}`, 2);
    const attrs: KmipRecord = createAttributes(ctx, {
      CryptographicAlgorithm: algorithm,
      CryptographicLength: bits,
      CryptographicUsageMask: 0x0c | 0x30,
      ...rotationAttributes(ctx),
    });
    let id: string;
    if (bytes) {
      const r = await ctx.client().kmip("Import", {
        UniqueIdentifier: keyId ?? "",
        ObjectType: "SymmetricKey",
        Attributes: attrs,
        Object: {
          KeyBlock: {
            KeyFormatType: "TransparentSymmetricKey",
            KeyValue: { KeyMaterial: { Key: bytes } },
            CryptographicAlgorithm: algorithm,
            CryptographicLength: bits,
          },
        },
      });
      id = r.UniqueIdentifier as string;
    } else {
      if (keyId) attrs.UniqueIdentifier = keyId;
      const r = await ctx.client().kmip("Create", { ObjectType: "SymmetricKey", Attributes: attrs });
      id = r.UniqueIdentifier as string;
    }
    printIds(ctx, "The symmetric key was successfully generated.", { "Unique identifier": id });
  },
};

const rekey: Leaf = {
  name: "rekey",
  summary: "re-key a symmetric key: a new key replaces it (same name, next generation); prints the new identifier",
  options: { "key-id": { ...KEY_ID_OPTION, help: "the key to re-key" } },
  async run(ctx) {
    const uid = targetUid(str(ctx, "key-id"), undefined);
    const r = await ctx.client().kmip("ReKey", { UniqueIdentifier: uid });
    printIds(ctx, `The symmetric key ${uid} was re-keyed.`, { "Unique identifier": r.UniqueIdentifier as string });
  },
};

const fileOptions = (verb: string): Record<string, Option> => ({
  "key-id": { ...KEY_ID_OPTION, help: `the KMS key that ${verb === "encrypt" ? "wraps" : "unwraps"} the data key` },
  tag: TAG_OPTION,
  "output-file": {
    type: "string",
    short: "o",
    arg: "FILE",
    help: `output file (default: FILE with extension .${verb === "encrypt" ? "enc" : "plain"})`,
  },
});

async function fileJob(ctx: Context, verb: "encrypt" | "decrypt"): Promise<void> {
  const input = ctx.positionals[0];
  const output = str(ctx, "output-file") ?? defaultOutput(input, verb === "encrypt" ? "enc" : "plain");
  if (output === input) throw new CliError("the output file must differ from the input file", 2);
  const tags = list(ctx, "tag");
  const progress = ctx.json ? "none" : Progress.mode(ctx.quiet);
  const job = { client: ctx.client(), input, output, progress } as const;
  const bytes =
    verb === "encrypt"
      ? await encryptFile({ ...job, keyId: targetUid(str(ctx, "key-id"), tags) })
      : await decryptFile({
          ...job,
          keyId: str(ctx, "key-id") || tags.length ? targetUid(str(ctx, "key-id"), tags) : undefined,
        });
  ctx.print(`The ${verb}ed file is available at ${output}`, { output_file: output, bytes });
}

const encrypt: Leaf = {
  name: "encrypt",
  summary: "encrypt a file of any size under a fresh data key wrapped by a KMS key",
  args: "FILE",
  min: 1,
  max: 1,
  details:
    "The file is encrypted locally in 1 MiB AES-256-GCM chunks (constant memory); only the 32-byte\ndata key goes to the KMS, to be wrapped. The format is described in docs/cli.md.",
  options: fileOptions("encrypt"),
  run: (ctx) => fileJob(ctx, "encrypt"),
};

const decrypt: Leaf = {
  name: "decrypt",
  summary: "decrypt a file written by kms sym encrypt",
  args: "FILE",
  min: 1,
  max: 1,
  details: "Without --key-id, the KMS key named in the file's header unwraps the data key.",
  options: fileOptions("decrypt"),
  run: (ctx) => fileJob(ctx, "decrypt"),
};

export const symCommand = command({
  name: "sym",
  summary: "symmetric keys and file encryption (kms sym --help)",
  children: [
    {
      name: "keys",
      summary: "create, import, export, revoke, destroy and re-key symmetric keys",
      children: [create, rekey, ...keyLifecycle("symmetric key"), ...rotationPolicyLeaves],
    },
    encrypt,
    decrypt,
  ],
});
