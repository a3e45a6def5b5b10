/** `kms ec`: elliptic-curve key pairs and ECIES encryption of files by the server, with ckms's names. */
import { choice, command, printIds, str, type Leaf } from "./framework.ts";
import { CREATE_OPTIONS, createAttributes, keyLifecycle } from "./key-actions.ts";
import { dataLeaf } from "./data-actions.ts";
import { rotationAttributes, ROTATION_OPTIONS } from "./rotation-policy.ts";

/** ckms curve names -> KMIP algorithm and RecommendedCurve. */
const CURVES = {
  "nist-p256": ["ECDH", "P256"],
  "nist-p384": ["ECDH", "P384"],
  "nist-p521": ["ECDH", "P521"],
  x25519: ["ECDH", "CURVE25519"],
  ed25519: ["Ed25519", "CURVEED25519"],
  x448: ["ECDH", "CURVE448"],
  ed448: ["Ed448", "CURVEED448"],
  secp256k1: ["ECDH", "SECP256K1"],
} as const;

const create: Leaf = {
  name: "create",
  summary: "create an elliptic-curve key pair; prints the two unique identifiers",
  args: "[PRIVATE_KEY_ID]",
  max: 1,
  options: {
    curve: { type: "string", short: "c", arg: "CURVE", help: `${Object.keys(CURVES).join(", ")} (default nist-p256)` },
    ...CREATE_OPTIONS,
    ...ROTATION_OPTIONS,
  },
  async run(ctx) {
    const [algorithm, curve] =
      CURVES[choice(str(ctx, "curve") ?? "nist-p256", Object.keys(CURVES) as (keyof typeof CURVES)[], "curve")];
    const common = createAttributes(ctx, {
      CryptographicAlgorithm: algorithm,
      CryptographicDomainParameters: { RecommendedCurve: curve },
      ...rotationAttributes(ctx),
    });
    const priv = ctx.positionals[0] ? { UniqueIdentifier: ctx.positionals[0] } : undefined;
    const r = await ctx
      .client()
      .kmip("CreateKeyPair", { CommonAttributes: common, ...(priv ? { PrivateKeyAttributes: priv } : {}) });
    printIds(ctx, "The EC key pair has been created.", {
      "Private key unique identifier": r.PrivateKeyUniqueIdentifier,
      "Public key unique identifier": r.PublicKeyUniqueIdentifier,
    });
  },
};

export const ecCommand = command({
  name: "ec",
  summary: "elliptic-curve key pairs and ECIES file encryption (kms ec --help)",
  children: [
    {
      name: "keys",
      summary: "create, import, export, revoke and destroy EC key pairs",
      children: [create, ...keyLifecycle("EC key")],
    },
    dataLeaf({
      verb: "encrypt",
      summary: "encrypt a file with a public key (ECIES, by the server)",
      keyHelp: "the public key's unique identifier",
    }),
    dataLeaf({
      verb: "decrypt",
      summary: "decrypt a file with a private key (ECIES, by the server)",
      keyHelp: "the private key's unique identifier",
    }),
  ],
});
