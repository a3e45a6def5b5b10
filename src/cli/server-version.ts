/** `kms server-version`: the version of the KMS server. */
import { command } from "./framework.ts";

export const serverVersionCommand = command({
  name: "server-version",
  summary: "print the KMS server's version",
  async run(ctx) {
    const v = await ctx.client().rest("GET", "/version");
    ctx.print(String(v), { version: v });
  },
});
