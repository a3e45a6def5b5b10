/** `kms locate`: the unique identifiers of the objects matching tags and attributes (ckms's flags). */
import type { KmipRecord } from "../kmip/struct.ts";
import { asList, withTags } from "./client.ts";
import { TAG_OPTION, command, list, str, intFlag } from "./framework.ts";

export const locateCommand = command({
  name: "locate",
  summary: "find objects by tag and attributes; prints their unique identifiers",
  options: {
    tag: TAG_OPTION,
    algorithm: {
      type: "string",
      short: "a",
      arg: "ALG",
      help: "cryptographic algorithm (AES, RSA, ECDH, CoverCrypt, ...)",
    },
    "cryptographic-length": { type: "string", short: "l", arg: "BITS", help: "cryptographic length" },
    "key-format-type": { type: "string", short: "f", arg: "FORMAT", help: "key format type" },
    "object-type": { type: "string", short: "o", arg: "TYPE", help: "object type (SymmetricKey, PrivateKey, ...)" },
    "public-key-id": { type: "string", short: "p", arg: "ID", help: "linked to this public key" },
    "private-key-id": { type: "string", short: "k", arg: "ID", help: "linked to this private key" },
    "certificate-id": { type: "string", short: "c", arg: "ID", help: "linked to this certificate" },
    "rotation-name": { type: "string", arg: "NAME", help: "in this keyset (RotateName)" },
    latest: { type: "boolean", help: "only the latest generation (RotateLatest)" },
    "maximum-items": { type: "string", arg: "N", help: "at most N results" },
  },
  async run(ctx) {
    const attrs: KmipRecord = withTags(list(ctx, "tag"));
    const alg = str(ctx, "algorithm");
    if (alg) attrs.CryptographicAlgorithm = alg;
    const len = intFlag(ctx, "cryptographic-length");
    if (len !== undefined) attrs.CryptographicLength = len;
    const kft = str(ctx, "key-format-type");
    if (kft) attrs.KeyFormatType = kft;
    const ot = str(ctx, "object-type");
    if (ot) attrs.ObjectType = ot;
    const links: KmipRecord[] = [];
    for (const [flag, type] of [
      ["public-key-id", "PublicKeyLink"],
      ["private-key-id", "PrivateKeyLink"],
      ["certificate-id", "CertificateLink"],
    ] as const) {
      const id = str(ctx, flag);
      if (id) links.push({ LinkType: type, LinkedObjectIdentifier: id });
    }
    if (links.length) attrs.Link = links;
    const name = str(ctx, "rotation-name");
    if (name) attrs.RotateName = name;
    if (ctx.values.latest) attrs.RotateLatest = true;
    const max = intFlag(ctx, "maximum-items");
    const r = await ctx
      .client()
      .kmip("Locate", { ...(max !== undefined ? { MaximumItems: max } : {}), Attributes: attrs });
    const ids = asList(r.UniqueIdentifier as string | string[] | undefined).filter((x) => typeof x === "string");
    if (ids.length === 0 && !ctx.json) process.stderr.write("No object found.\n");
    else ctx.print(ids.join("\n"), ids);
  },
});
