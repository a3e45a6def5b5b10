/**
 * Automatic rotation from the command line (KMIP 2.1 §4.48-4.55 rotation attributes), with ckms's
 * names: `--rotation-interval SECS`, `--rotation-offset SECS`, `--rotation-name NAME` on the create
 * commands, and `set-rotation-policy` / `get-rotation-policy` under `keys`.
 */
import type { KmipRecord } from "../kmip/struct.ts";
import { CliError } from "./client.ts";
import { KEY_ID_OPTION, intFlag, str, type Context, type Leaf, type Option } from "./framework.ts";
import { toJson } from "./get-attributes.ts";

export const ROTATION_OPTIONS: Record<string, Option> = {
  "rotation-interval": { type: "string", arg: "SECS", help: "re-key automatically every SECS seconds (0: never)" },
  "rotation-offset": {
    type: "string",
    arg: "SECS",
    help: "delay of the first automatic rotation (default: the interval)",
  },
  "rotation-name": {
    type: "string",
    arg: "NAME",
    help: "keyset name shared by the key's generations (NAME@latest ...)",
  },
};

/** The rotation attributes the flags ask for (empty when none is given). */
export function rotationAttributes(
  ctx: Context,
  names = { interval: "rotation-interval", offset: "rotation-offset", name: "rotation-name" },
): KmipRecord {
  const out: KmipRecord = {};
  const interval = intFlag(ctx, names.interval);
  const offset = intFlag(ctx, names.offset);
  const name = str(ctx, names.name);
  if (interval !== undefined) {
    out.RotateInterval = BigInt(interval);
    out.RotateAutomatic = interval > 0;
  }
  if (offset !== undefined) out.RotateOffset = BigInt(offset);
  if (name !== undefined) {
    if (name === "" || name.includes("@")) throw new CliError("a rotation name is not empty and has no '@'", 2);
    out.RotateName = name;
  }
  return out;
}

const setPolicy: Leaf = {
  name: "set-rotation-policy",
  summary: "set the automatic rotation policy of a key (interval, offset, keyset name)",
  details: "An interval > 0 turns automatic rotation on (RotateAutomatic); 0 turns it off.",
  options: {
    "key-id": { ...KEY_ID_OPTION, help: "the key (or private key of a pair)" },
    interval: { type: "string", short: "i", arg: "SECS", help: "rotation interval in seconds (0: off)" },
    offset: { type: "string", short: "o", arg: "SECS", help: "delay of the first rotation in seconds" },
    "rotation-name": { type: "string", short: "n", arg: "NAME", help: "keyset name" },
  },
  async run(ctx) {
    const uid = str(ctx, "key-id");
    if (!uid) throw new CliError("give the key with --key-id ID", 2);
    const attrs = rotationAttributes(ctx, { interval: "interval", offset: "offset", name: "rotation-name" });
    if (Object.keys(attrs).length === 0)
      throw new CliError("give at least one of --interval, --offset, --rotation-name", 2);
    const client = ctx.client();
    // name first: an automatic rotation scheduled by the interval then already has it
    for (const tag of ["RotateName", "RotateOffset", "RotateInterval", "RotateAutomatic"]) {
      if (attrs[tag] !== undefined)
        await client.kmip("SetAttribute", { UniqueIdentifier: uid, NewAttribute: { [tag]: attrs[tag] } });
    }
    ctx.print(`Rotation policy set successfully.\n\t  Unique identifier: ${uid}`, {
      unique_identifier: uid,
      ...jsonable(attrs),
    });
  },
};

const ROTATION_TAGS = [
  "RotateAutomatic",
  "RotateInterval",
  "RotateOffset",
  "RotateName",
  "RotateGeneration",
  "RotateLatest",
  "RotateDate",
];

const getPolicy: Leaf = {
  name: "get-rotation-policy",
  summary: "show the rotation attributes of a key",
  options: { "key-id": { ...KEY_ID_OPTION, help: "the key" } },
  async run(ctx) {
    const uid = str(ctx, "key-id");
    if (!uid) throw new CliError("give the key with --key-id ID", 2);
    const r = await ctx.client().kmip("GetAttributes", { UniqueIdentifier: uid, AttributeReference: ROTATION_TAGS });
    const attrs = (r.Attributes ?? {}) as KmipRecord;
    const found = jsonable(
      Object.fromEntries(ROTATION_TAGS.filter((t) => attrs[t] !== undefined).map((t) => [t, attrs[t]])),
    );
    const human = [
      `Rotation policy of ${r.UniqueIdentifier ?? uid}:`,
      ...Object.entries(found).map(([k, v]) => `\t  ${k}: ${v}`),
    ];
    if (Object.keys(found).length === 0) human.push("\t  (no automatic rotation)");
    ctx.print(human.join("\n"), { unique_identifier: r.UniqueIdentifier ?? uid, ...found });
  },
};

const jsonable = (record: KmipRecord) => toJson(record) as Record<string, unknown>;

export const rotationPolicyLeaves: Leaf[] = [setPolicy, getPolicy];
