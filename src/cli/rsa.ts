/** `kms rsa`: RSA key pairs and encryption of files by the server, with ckms's names. */
import { CliError } from "./client.ts";
import { command, intFlag, printIds, type Leaf } from "./framework.ts";
import { CREATE_OPTIONS, createAttributes, keyLifecycle } from "./key-actions.ts";
import { dataLeaf } from "./data-actions.ts";
import { rotationAttributes, ROTATION_OPTIONS } from "./rotation-policy.ts";

const create: Leaf = {
  name: "create",
  summary: "create an RSA key pair; prints the two unique identifiers",
  args: "[PRIVATE_KEY_ID]",
  max: 1,
  options: {
    size_in_bits: { type: "string", short: "s", arg: "BITS", help: "modulus size in bits (default 4096)" },
    ...CREATE_OPTIONS,
    ...ROTATION_OPTIONS,
  },
  async run(ctx) {
    const bits = intFlag(ctx, "size_in_bits", 4096)!;
    if (bits < 2048 || bits > 8192 || bits % 8)
      throw new CliError(`an RSA key has 2048 to 8192 bits (a multiple of 8), not ${bits}`, 2);
    const common = createAttributes(ctx, {
      CryptographicAlgorithm: "RSA",
      CryptographicLength: bits,
      ...rotationAttributes(ctx),
    });
    const priv = ctx.positionals[0] ? { UniqueIdentifier: ctx.positionals[0] } : undefined;
    const r = await ctx
      .client()
      .kmip("CreateKeyPair", { CommonAttributes: common, ...(priv ? { PrivateKeyAttributes: priv } : {}) });
    printIds(ctx, "The RSA key pair has been created.", {
      "Private key unique identifier": r.PrivateKeyUniqueIdentifier,
      "Public key unique identifier": r.PublicKeyUniqueIdentifier,
    });
  },
};

export const rsaCommand = command({
  name: "rsa",
  summary: "RSA key pairs and file encryption (kms rsa --help)",
  children: [
    {
      name: "keys",
      summary: "create, import, export, revoke and destroy RSA key pairs",
      children: [create, ...keyLifecycle("RSA key")],
    },
    dataLeaf({
      verb: "encrypt",
      summary: "encrypt a (small) file with a public key, by the server",
      keyHelp: "the public key's unique identifier",
    }),
    dataLeaf({
      verb: "decrypt",
      summary: "decrypt a file with a private key, by the server",
      keyHelp: "the private key's unique identifier",
    }),
  ],
});
