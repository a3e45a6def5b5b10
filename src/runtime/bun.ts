/** The Bun side of the runtime seam: bun:sqlite as is (its API is the seam's), Bun.serve through Elysia. */
import { Database } from "bun:sqlite";
import type { SQL } from "bun";
import type { HttpServer, OpenOptions, Runtime, ServableApp, ServeOptions, SqlDatabase } from "./types.ts";

export const runtime: Runtime = {
  name: "bun",
  version: `Bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`,
  openDatabase(file: string, options: OpenOptions = {}): SqlDatabase {
    const db = options.readonly
      ? new Database(file, { readonly: true, strict: true })
      : new Database(file, { create: true, strict: true });
    return db as unknown as SqlDatabase;
  },
  // Bun.SQL, read when PostgreSQL is used: a static import would load Bun's SQL client at every start.
  postgresClient: () => (globalThis as unknown as { Bun: { SQL: typeof SQL } }).Bun.SQL,
  async serve(app: ServableApp, o: ServeOptions): Promise<HttpServer> {
    app.listen({ hostname: o.hostname, port: o.port, tls: o.tls, idleTimeout: o.idleTimeout });
    // The executable starts with the JIT held back (scripts/build.ts): serving is where it pays.
    Bun.unsafe.setJITPolicy?.(1);
    const server = app.server!;
    return { port: server.port!, requestIP: (r) => server.requestIP(r), stop: () => app.stop() };
  },
};
