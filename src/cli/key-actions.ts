/**
 * Leaves shared by the key families (`kms sym keys ...`, `kms ec keys ...`, ...): export, import,
 * revoke, destroy, with ckms's flags, and the common attribute flags of the create commands.
 */
import { readFileSync } from "node:fs";
import { decodeNode, encodeNode, type TtlvNode } from "../kmip/ttlv.ts";
import { rawNode, type KmipRecord } from "../kmip/struct.ts";
import { CliError, activeNow, targetUid, vendorText, withTags } from "./client.ts";
import {
  KEY_ID_OPTION,
  TAG_OPTION,
  choice,
  flag,
  list,
  printIds,
  str,
  type Context,
  type Leaf,
  type Option,
} from "./framework.ts";
import { writeOutput } from "./io.ts";

/** Flags of every `create` (ckms: --tag, --sensitive, --wrapping-key-id). */
export const CREATE_OPTIONS: Record<string, Option> = {
  tag: TAG_OPTION,
  sensitive: { type: "boolean", help: "the key may not be exported" },
  "wrapping-key-id": { type: "string", short: "w", arg: "ID", help: "store the new key wrapped by this key" },
};

/** The attributes the create flags ask for. */
export function createAttributes(ctx: Context, extra: KmipRecord = {}): KmipRecord {
  const vendor: KmipRecord[] = [];
  const w = str(ctx, "wrapping-key-id");
  if (w) vendor.push(vendorText("wrapping_key_id", w));
  const attrs = withTags(list(ctx, "tag"), { ActivationDate: activeNow(), ...extra }, vendor);
  if (flag(ctx, "sensitive")) attrs.Sensitive = true;
  return attrs;
}

const EXPORT_FORMATS = ["json-ttlv", "raw", "base64"] as const;

export function exportLeaf(what: string): Leaf {
  return {
    name: "export",
    summary: `export a ${what} to a file`,
    args: "KEY_FILE",
    min: 1,
    max: 1,
    details: "Formats: json-ttlv (the KMIP object, as `import` reads it; default), raw (the key bytes), base64.",
    options: {
      "key-id": KEY_ID_OPTION,
      tag: TAG_OPTION,
      "key-format": { type: "string", short: "f", arg: "FORMAT", help: "json-ttlv (default), raw or base64" },
      unwrap: { type: "boolean", short: "u", help: "export the key unwrapped" },
      "wrap-key-id": { type: "string", short: "w", arg: "ID", help: "export the key wrapped by this key" },
      "allow-revoked": { type: "boolean", short: "i", help: "allow exporting a revoked or destroyed key" },
    },
    async run(ctx) {
      const uid = targetUid(str(ctx, "key-id"), list(ctx, "tag"));
      const format = choice(str(ctx, "key-format") ?? "json-ttlv", EXPORT_FORMATS, "key format");
      const payload: KmipRecord = { UniqueIdentifier: uid };
      if (format !== "json-ttlv") payload.KeyFormatType = "Raw";
      if (flag(ctx, "unwrap")) payload.KeyWrapType = "NotWrapped";
      const wrap = str(ctx, "wrap-key-id");
      if (wrap)
        payload.KeyWrappingSpecification = {
          WrappingMethod: "Encrypt",
          EncryptionKeyInformation: { UniqueIdentifier: wrap },
        };
      const reply = await ctx.client().kmipNode(flag(ctx, "allow-revoked") ? "Export" : "Get", payload);
      const type = reply.value.find((n) => n.tag === "ObjectType")?.value as string | undefined;
      const id = (reply.value.find((n) => n.tag === "UniqueIdentifier")?.value as string | undefined) ?? uid;
      const object = reply.value.find((n) => n.tag === type || n.tag === "Object");
      if (!type || !object || object.type !== "Structure") throw new CliError("the KMS answer holds no object");
      let bytes: Uint8Array;
      if (format === "json-ttlv")
        bytes = new TextEncoder().encode(
          JSON.stringify(encodeNode({ ...object, tag: type } as TtlvNode), null, 2) + "\n",
        );
      else {
        const material = findNode(object, "KeyMaterial");
        const key =
          material?.type === "ByteString"
            ? material.value
            : material?.type === "Structure"
              ? findNode(material, "Key")?.value
              : undefined;
        if (!(key instanceof Uint8Array))
          throw new CliError(`the ${type} has no raw key bytes to export; use --key-format json-ttlv`);
        bytes = format === "raw" ? key : new TextEncoder().encode(Buffer.from(key).toString("base64") + "\n");
      }
      await writeOutput(ctx.positionals[0], bytes);
      printIds(ctx, `The key ${id} of type ${type} was exported to ${ctx.positionals[0]}`, { "Unique identifier": id });
    },
  };
}

function findNode(node: TtlvNode, tag: string): TtlvNode | undefined {
  if (node.tag === tag) return node;
  if (node.type === "Structure")
    for (const c of node.value) {
      const f = findNode(c, tag);
      if (f) return f;
    }
  return undefined;
}

const IMPORT_FORMATS = ["json-ttlv", "aes", "chacha20"] as const;

export function importLeaf(what: string): Leaf {
  return {
    name: "import",
    summary: `import a ${what} from a file`,
    args: "KEY_FILE [KEY_ID]",
    min: 1,
    max: 2,
    details:
      "Formats: json-ttlv (a KMIP object, as `export` writes it; default), aes or chacha20 (raw symmetric key bytes).",
    options: {
      "key-format": { type: "string", short: "f", arg: "FORMAT", help: "json-ttlv (default), aes or chacha20" },
      replace: { type: "boolean", short: "r", help: "replace an existing object with the same id" },
      tag: TAG_OPTION,
    },
    async run(ctx) {
      const [file, keyId] = ctx.positionals;
      const format = choice(str(ctx, "key-format") ?? "json-ttlv", IMPORT_FORMATS, "key format");
      const bytes = readInput(file);
      let type: string;
      let object: TtlvNode | KmipRecord;
      if (format === "json-ttlv") {
        let node: TtlvNode;
        try {
          node = decodeNode(JSON.parse(new TextDecoder().decode(bytes)));
        } catch (e) {
          throw new CliError(`${file} is not a JSON TTLV object: ${(e as Error).message}`);
        }
        if (node.type !== "Structure")
          throw new CliError(`${file}: the root of a JSON TTLV object must be a Structure`);
        type = node.tag;
        object = rawNode(node);
      } else {
        const algorithm = format === "aes" ? "AES" : "ChaCha20";
        type = "SymmetricKey";
        object = {
          KeyBlock: {
            KeyFormatType: "TransparentSymmetricKey",
            KeyValue: { KeyMaterial: { Key: bytes } },
            CryptographicAlgorithm: algorithm,
            CryptographicLength: bytes.length * 8,
          },
        };
      }
      const extra: KmipRecord =
        format === "json-ttlv"
          ? {}
          : { CryptographicAlgorithm: format === "aes" ? "AES" : "ChaCha20", CryptographicLength: bytes.length * 8 };
      const r = await ctx.client().kmip("Import", {
        UniqueIdentifier: keyId ?? "",
        ObjectType: type,
        ...(flag(ctx, "replace") ? { ReplaceExisting: true } : {}),
        Attributes: withTags(list(ctx, "tag"), { ActivationDate: activeNow(), ...extra }),
        Object: object,
      });
      printIds(ctx, `The ${what} in file ${file} was imported`, { "Unique identifier": r.UniqueIdentifier as string });
    },
  };
}

export function readInput(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : (code ?? (e as Error).message)}`);
  }
}

export function revokeLeaf(what: string): Leaf {
  return {
    name: "revoke",
    summary: `revoke a ${what}`,
    args: "REVOCATION_REASON",
    min: 1,
    max: 1,
    options: { "key-id": KEY_ID_OPTION, tag: TAG_OPTION },
    async run(ctx) {
      const uid = targetUid(str(ctx, "key-id"), list(ctx, "tag"));
      const r = await ctx.client().kmip("Revoke", {
        UniqueIdentifier: uid,
        RevocationReason: { RevocationReasonCode: "Unspecified", RevocationMessage: ctx.positionals[0] },
      });
      printIds(ctx, `Successfully revoked the ${what}`, { "Unique identifier": (r.UniqueIdentifier as string) ?? uid });
    },
  };
}

export function destroyLeaf(what: string): Leaf {
  return {
    name: "destroy",
    summary: `destroy a ${what}`,
    options: {
      "key-id": KEY_ID_OPTION,
      tag: TAG_OPTION,
      remove: { type: "boolean", help: "also remove the object from the database (not only its key material)" },
    },
    async run(ctx) {
      const uid = targetUid(str(ctx, "key-id"), list(ctx, "tag"));
      const r = await ctx
        .client()
        .kmip("Destroy", { UniqueIdentifier: uid, ...(flag(ctx, "remove") ? { Remove: true } : {}) });
      printIds(ctx, `Successfully destroyed the ${what}`, {
        "Unique identifier": (r.UniqueIdentifier as string) ?? uid,
      });
    },
  };
}

export function activateLeaf(what: string): Leaf {
  return {
    name: "activate",
    summary: `activate a ${what} (PreActive -> Active)`,
    options: { "key-id": KEY_ID_OPTION, tag: TAG_OPTION },
    async run(ctx) {
      const uid = targetUid(str(ctx, "key-id"), list(ctx, "tag"));
      const r = await ctx.client().kmip("Activate", { UniqueIdentifier: uid });
      printIds(ctx, `The ${what} was activated`, { "Unique identifier": (r.UniqueIdentifier as string) ?? uid });
    },
  };
}

/** export, import, activate, revoke, destroy for one family. */
export const keyLifecycle = (what: string): Leaf[] => [
  exportLeaf(what),
  importLeaf(what),
  activateLeaf(what),
  revokeLeaf(what),
  destroyLeaf(what),
];
