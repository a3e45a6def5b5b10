/** `kms get-attributes`: an object's attributes, as JSON (ckms's flags). */
import type { KmipRecord } from "../kmip/struct.ts";
import { isRawNode } from "../kmip/struct.ts";
import { asList, attributeText, targetUid } from "./client.ts";
import { TAG_OPTION, command, list, str } from "./framework.ts";
import { writeOutput } from "./io.ts";

/** KMIP values -> JSON (bytes as hex, dates ISO, vendor attributes by name). */
export function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return Number(value);
  if (isRawNode(value)) return attributeText(value) ?? toJson(value.value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return value;
}

export const getAttributesCommand = command({
  name: "get-attributes",
  summary: "print an object's attributes (JSON)",
  options: {
    id: { type: "string", short: "i", arg: "ID", help: "the object's unique identifier" },
    tag: TAG_OPTION,
    attribute: {
      type: "string",
      short: "a",
      multiple: true,
      arg: "NAME",
      help: "only this attribute (e.g. CryptographicAlgorithm)",
    },
    "output-file": { type: "string", short: "o", arg: "FILE", help: "write the JSON to FILE" },
  },
  async run(ctx) {
    const uid = targetUid(str(ctx, "id"), list(ctx, "tag"), "object");
    const names = list(ctx, "attribute");
    const r = await ctx
      .client()
      .kmip("GetAttributes", { UniqueIdentifier: uid, ...(names.length ? { AttributeReference: names } : {}) });
    const attrs = { ...((r.Attributes ?? {}) as KmipRecord) };
    const vendor = asList(attrs.VendorAttribute ?? attrs.VendorAttributes ?? attrs.Attribute) as KmipRecord[];
    delete attrs.VendorAttribute, delete attrs.VendorAttributes, delete attrs.Attribute;
    const json = toJson(attrs) as Record<string, unknown>;
    for (const va of vendor)
      if (va && typeof va === "object" && va.AttributeName) json[String(va.AttributeName)] = toJson(va.AttributeValue);
    const out = { unique_identifier: r.UniqueIdentifier ?? uid, ...json };
    const file = str(ctx, "output-file");
    if (file) {
      await writeOutput(file, new TextEncoder().encode(JSON.stringify(out, null, 2) + "\n"));
      ctx.print(`The attributes of ${out.unique_identifier} were written to ${file}`, { output_file: file });
    } else ctx.print(JSON.stringify(out, null, 2), out);
  },
});
