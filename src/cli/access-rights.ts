/**
 * `kms access-rights grant|revoke|list|owned|obtained`: the access-rights routes, with ckms's
 * arguments (`grant USER -i OBJECT_UID OPERATION...`).
 */
import { CliError } from "./client.ts";
import { command, str, type Leaf } from "./framework.ts";

function changeLeaf(verb: "grant" | "revoke"): Leaf {
  return {
    name: verb,
    summary: `${verb} a user the right to run operations on an object`,
    args: "USER OPERATION...",
    min: 2,
    max: 64,
    details: "Operations: create, get, export, encrypt, decrypt, import, revoke, locate, rekey, destroy, ...",
    options: { "object-uid": { type: "string", short: "i", arg: "ID", help: "the object's unique identifier" } },
    async run(ctx) {
      const uid = str(ctx, "object-uid");
      if (!uid) throw new CliError("give the object with --object-uid ID", 2);
      const [user, ...operations] = ctx.positionals;
      const r = (await ctx.client().rest("POST", `/access/${verb}`, {
        unique_identifier: uid,
        user_id: user,
        operation_types: operations,
      })) as Record<string, string>;
      ctx.print(r.success ?? `Access ${verb === "grant" ? "granted" : "revoked"}`, r);
    },
  };
}

const listLeaf: Leaf = {
  name: "list",
  summary: "list the rights granted on an object (its owner only)",
  args: "OBJECT_UID",
  min: 1,
  max: 1,
  async run(ctx) {
    const r = (await ctx.client().rest("GET", `/access/list/${encodeURIComponent(ctx.positionals[0])}`)) as {
      user_id: string;
      operations: string[];
    }[];
    const lines = [
      `The access rights granted on ${ctx.positionals[0]} are:`,
      ...r.map((a) => ` - ${a.user_id}: ${a.operations.join(", ")}`),
    ];
    ctx.print(r.length ? lines.join("\n") : `No access right granted on ${ctx.positionals[0]}`, r);
  },
};

function objectsLeaf(name: "owned" | "obtained", summary: string): Leaf {
  return {
    name,
    summary,
    async run(ctx) {
      const r = (await ctx.client().rest("GET", `/access/${name}`)) as Record<string, unknown>[];
      const lines = r.map((o) => {
        const ops = Array.isArray(o.operations) ? ` [${(o.operations as string[]).join(", ")}]` : "";
        return `${o.object_id}\t${o.state ?? ""}${o.owner_id ? `\towner: ${o.owner_id}` : ""}${ops}`;
      });
      ctx.print(
        lines.length ? lines.join("\n") : name === "owned" ? "No object owned." : "No access right obtained.",
        r,
      );
    },
  };
}

export const accessRightsCommand = command({
  name: "access-rights",
  summary: "grant, revoke and list access rights (kms access-rights --help)",
  children: [
    changeLeaf("grant"),
    changeLeaf("revoke"),
    listLeaf,
    objectsLeaf("owned", "list the objects you own"),
    objectsLeaf("obtained", "list the objects others gave you rights on"),
  ],
});
