/**
 * `kms cc`: CoverCrypt master key pairs, user keys, re-keying and pruning, the policy (access
 * structure), and encryption of files by the server, with ckms's names.
 *
 * A specification file is ckms's access structure JSON, each dimension a list of attributes:
 * `{"Security Level::<": ["Protected", "Confidential", "Top Secret::+"], "Department": ["HR", "FIN"]}`
 * (`::<` or `::+` after a dimension: ordered, lowest first; `::+` after an attribute: hybridized).
 * A full policy JSON (with a "version") is sent as it is.
 */
import { readFileSync } from "node:fs";
import { decodeNode, type TtlvNode } from "../kmip/ttlv.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import { CliError, attributeText, targetUid, vendorText } from "./client.ts";
import { KEY_ID_OPTION, TAG_OPTION, command, list, printIds, str, type Context, type Leaf } from "./framework.ts";
import { CREATE_OPTIONS, createAttributes, keyLifecycle, readInput } from "./key-actions.ts";
import { dataLeaf } from "./data-actions.ts";

/** ckms's specification -> a CoverCrypt V2 policy JSON. */
export function specificationToPolicy(text: string, file: string): string {
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not JSON: ${(e as Error).message}`);
  }
  if (!spec || typeof spec !== "object" || Array.isArray(spec))
    throw new CliError(`${file}: a specification is a JSON object of dimensions`);
  if ("version" in spec) return text.trim();
  let id = 0;
  const dimensions: Record<string, unknown> = {};
  for (const [rawDim, attrs] of Object.entries(spec)) {
    const ordered = /::[<+]$/.test(rawDim);
    const dim = rawDim.replace(/::[<+]$/, "").trim();
    if (!dim) throw new CliError(`${file}: empty dimension name`);
    if (
      !Array.isArray(attrs) ||
      attrs.length === 0 ||
      !attrs.every((a) => typeof a === "string" && a.replace(/::\+$/, "").trim())
    ) {
      throw new CliError(`${file}: dimension "${dim}" must list its attributes as non-empty strings`);
    }
    const entries: Record<string, unknown> = {};
    for (const a of attrs as string[]) {
      const name = a.replace(/::\+$/, "").trim();
      if (name in entries) throw new CliError(`${file}: attribute "${name}" appears twice in "${dim}"`);
      entries[name] = {
        id: ++id,
        encryption_hint: a.endsWith("::+") ? "Hybridized" : "Classic",
        write_status: "EncryptDecrypt",
      };
    }
    dimensions[dim] = { [ordered ? "Ordered" : "Unordered"]: entries };
  }
  if (id === 0) throw new CliError(`${file}: the specification has no dimension`);
  return JSON.stringify({ version: "V2", last_attribute_value: id, dimensions });
}

const createMaster: Leaf = {
  name: "create-master-key-pair",
  summary: "create a CoverCrypt master key pair from a policy specification; prints the two identifiers",
  options: {
    specification: { type: "string", short: "s", arg: "FILE", help: "the policy specification (JSON)" },
    ...CREATE_OPTIONS,
  },
  async run(ctx) {
    const file = str(ctx, "specification");
    if (!file) throw new CliError("give the policy with --specification FILE", 2);
    const policy = specificationToPolicy(new TextDecoder().decode(readInput(file)), file);
    const common = createAttributes(ctx, {
      ObjectType: "PrivateKey",
      CryptographicAlgorithm: "CoverCrypt",
      KeyFormatType: "CoverCryptSecretKey",
    });
    common.Attribute = [...((common.Attribute as KmipRecord[]) ?? []), vendorText("cover_crypt_policy", policy)];
    const r = await ctx.client().kmip("CreateKeyPair", { CommonAttributes: common });
    printIds(ctx, "The master key pair has been properly generated.", {
      "Private key unique identifier": r.PrivateKeyUniqueIdentifier,
      "Public key unique identifier": r.PublicKeyUniqueIdentifier,
    });
  },
};

const createUser: Leaf = {
  name: "create-user-key",
  summary: "create a CoverCrypt user decryption key for an access policy; prints its identifier",
  args: "MASTER_SECRET_KEY_ID ACCESS_POLICY",
  min: 2,
  max: 2,
  options: CREATE_OPTIONS,
  async run(ctx) {
    const [msk, access] = ctx.positionals;
    const attrs = createAttributes(ctx, {
      ObjectType: "PrivateKey",
      CryptographicAlgorithm: "CoverCrypt",
      KeyFormatType: "CoverCryptSecretKey",
      CryptographicUsageMask: 8,
      Link: [{ LinkType: "ParentLink", LinkedObjectIdentifier: msk }],
    });
    attrs.Attribute = [...((attrs.Attribute as KmipRecord[]) ?? []), vendorText("cover_crypt_access_policy", access)];
    const r = await ctx.client().kmip("Create", { ObjectType: "PrivateKey", Attributes: attrs });
    printIds(ctx, "The user decryption key pair has been properly generated.", {
      "Unique identifier": r.UniqueIdentifier as string,
    });
  },
};

function rekeyLeaf(name: "rekey" | "prune", action: string, summary: string): Leaf {
  return {
    name,
    summary,
    args: "ACCESS_POLICY",
    min: 1,
    max: 1,
    options: { "key-id": { ...KEY_ID_OPTION, help: "the master secret key's unique identifier" }, tag: TAG_OPTION },
    async run(ctx) {
      const msk = targetUid(str(ctx, "key-id"), list(ctx, "tag"), "master secret key");
      const r = await ctx.client().kmip("ReKeyKeyPair", {
        PrivateKeyUniqueIdentifier: msk,
        PrivateKeyAttributes: {
          Attribute: [vendorText("cover_crypt_rekey_action", JSON.stringify({ [action]: ctx.positionals[0] }))],
        },
      });
      printIds(
        ctx,
        name === "rekey"
          ? "The master key pair has been properly rekeyed."
          : "The master key pair has been properly pruned.",
        {
          "Private key unique identifier": r.PrivateKeyUniqueIdentifier ?? msk,
          "Public key unique identifier": r.PublicKeyUniqueIdentifier,
        },
      );
    },
  };
}

const rekey = rekeyLeaf(
  "rekey",
  "RekeyAccessPolicy",
  "re-key the master keys for an access policy (user keys are refreshed)",
);
const prune = rekeyLeaf(
  "prune",
  "PruneAccessPolicy",
  "remove the old secrets of an access policy from the master keys",
);

function findPolicy(node: TtlvNode): string | undefined {
  if (node.type !== "Structure") return undefined;
  const name = node.value.find((c) => c.tag === "AttributeName");
  if (name?.value === "cover_crypt_policy") return attributeText(node.value.find((c) => c.tag === "AttributeValue"));
  for (const c of node.value) {
    const f = findPolicy(c);
    if (f) return f;
  }
  return undefined;
}

const view: Leaf = {
  name: "view",
  summary: "show the policy (access structure) of a master key",
  options: {
    "key-id": { type: "string", short: "i", arg: "ID", help: "a master key's unique identifier" },
    "key-file": { type: "string", short: "f", arg: "FILE", help: "or a master key exported as json-ttlv" },
  },
  async run(ctx: Context) {
    const id = str(ctx, "key-id");
    const file = str(ctx, "key-file");
    if (!id === !file) throw new CliError("give either --key-id ID or --key-file FILE", 2);
    let node: TtlvNode;
    if (file) {
      try {
        node = decodeNode(JSON.parse(readFileSync(file, "utf8")));
      } catch (e) {
        throw new CliError(`cannot read a JSON TTLV key from ${file}: ${(e as Error).message}`);
      }
    } else node = await ctx.client().kmipNode("Get", { UniqueIdentifier: id });
    const policy = findPolicy(node);
    if (!policy) throw new CliError(`${id ?? file} is not a CoverCrypt master key (no policy)`);
    const parsed = JSON.parse(policy);
    ctx.print(JSON.stringify(parsed, null, 2), parsed);
  },
};

/** Cosmian's DataToEncrypt framing: LEB128(len) ‖ access policy ‖ LEB128(len) ‖ metadata ‖ plaintext. */
export function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function readLeb128(data: Uint8Array): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8 && i < data.length; i++) {
    value += (data[i] & 0x7f) * scale;
    if (!(data[i] & 0x80)) return [value, i + 1];
    scale *= 128;
  }
  throw new CliError("the KMS answer to decrypt is not framed as expected");
}

const encrypt = dataLeaf({
  verb: "encrypt",
  summary: "encrypt a file for an encryption policy with a master public key (by the server)",
  keyHelp: "the master public key's unique identifier",
  args: "FILE ENCRYPTION_POLICY",
  min: 2,
  max: 2,
  options: {
    "authentication-data": { type: "string", short: "a", arg: "HEX", help: "additional authenticated data, hex" },
  },
  request(ctx, data) {
    const ap = new TextEncoder().encode(ctx.positionals[1]);
    const framed = new Uint8Array([...leb128(ap.length), ...ap, ...leb128(0), ...[]]);
    const out = new Uint8Array(framed.length + data.length);
    out.set(framed), out.set(data, framed.length);
    const aad = str(ctx, "authentication-data");
    return { Data: out, ...(aad ? { AuthenticatedEncryptionAdditionalData: hexArg(aad) } : {}) };
  },
});

const decrypt = dataLeaf({
  verb: "decrypt",
  summary: "decrypt a file with a user decryption key (by the server)",
  keyHelp: "the user decryption key's unique identifier",
  options: {
    "authentication-data": { type: "string", short: "a", arg: "HEX", help: "additional authenticated data, hex" },
  },
  request(ctx, data) {
    const aad = str(ctx, "authentication-data");
    return { Data: data, ...(aad ? { AuthenticatedEncryptionAdditionalData: hexArg(aad) } : {}) };
  },
  reply(_ctx, r) {
    const data = r.Data as Uint8Array;
    if (!(data instanceof Uint8Array)) throw new CliError("the KMS answer to decrypt holds no data");
    const [metaLen, n] = readLeb128(data);
    return data.subarray(n + metaLen);
  },
});

export function hexArg(h: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new CliError(`"${h}" is not hex`, 2);
  return new Uint8Array(Buffer.from(h, "hex"));
}

const policy = { name: "policy", summary: "view the policy of a master key", children: [view] };

export const ccCommand = command({
  name: "cc",
  summary: "CoverCrypt attribute-based encryption (kms cc --help)",
  children: [
    {
      name: "keys",
      summary: "master key pairs, user keys, re-key, prune, export, import, revoke, destroy",
      children: [createMaster, createUser, rekey, prune, ...keyLifecycle("CoverCrypt key")],
    },
    policy,
    { ...policy, name: "access-structure" },
    rekey,
    prune,
    encrypt,
    decrypt,
  ],
});
