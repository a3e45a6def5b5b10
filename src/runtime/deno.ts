/**
 * The Deno side of the runtime seam: SQLite through node:sqlite (DatabaseSync, built into Deno 2),
 * wrapped to the bun:sqlite calls the store makes; HTTP(S) through Deno.serve calling Elysia's
 * web-standard handler. Deno.serve has no client-certificate option: under mTLS the node:tls front
 * (src/server/mtls-front.ts) verifies them and forwards to a loopback Deno.serve, as on Bun.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { KmipError } from "../kmip/error.ts";
import { refuseNul } from "./types.ts";
import type {
  HttpServer,
  OpenOptions,
  Runtime,
  ServableApp,
  ServeOptions,
  SqlDatabase,
  SqlStatement,
} from "./types.ts";

interface DenoServer {
  addr: { port: number };
  shutdown(): Promise<void>;
  finished: Promise<void>;
}
interface DenoGlobal {
  version: { deno: string };
  serve(
    options: { hostname: string; port: number; cert?: string; key?: string; onListen?: (addr: unknown) => void },
    handler: (
      request: Request,
      info: { remoteAddr: { hostname: string; port: number } },
    ) => Response | Promise<Response>,
  ): DenoServer;
}
const Deno = (globalThis as unknown as { Deno: DenoGlobal }).Deno;

type Param = null | number | bigint | string | Uint8Array;
/** Parameters bound as node:sqlite takes them; text with U+0000 is refused (it would read back cut). */
const params = (p: unknown[]) =>
  (refuseNul(p), p).map((v) => (typeof v === "boolean" ? Number(v) : v === undefined ? null : v)) as Param[];

class Statement<Row> implements SqlStatement<Row, unknown[]> {
  constructor(private readonly s: StatementSync) {}
  get(...p: unknown[]): Row | null {
    return (this.s.get(...params(p)) as Row | undefined) ?? null;
  }
  all(...p: unknown[]): Row[] {
    return this.s.all(...params(p)) as Row[];
  }
  run(...p: unknown[]): { changes: number } {
    return { changes: Number(this.s.run(...params(p)).changes) };
  }
  iterate(...p: unknown[]): IterableIterator<Row> {
    return this.s.iterate(...params(p)) as IterableIterator<Row>;
  }
}

class NodeSqliteDatabase implements SqlDatabase {
  private readonly statements = new Map<string, Statement<unknown>>();
  constructor(private readonly db: DatabaseSync) {}
  query<Row = unknown, Params extends unknown[] = unknown[]>(sql: string): SqlStatement<Row, Params> {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = new Statement(this.db.prepare(sql))));
    return s as unknown as SqlStatement<Row, Params>;
  }
  exec(sql: string): void {
    this.db.exec(sql);
  }
  transaction(fn: () => void): () => void {
    return () => {
      this.db.exec("BEGIN");
      try {
        fn();
        this.db.exec("COMMIT");
      } catch (e) {
        this.db.exec("ROLLBACK");
        throw e;
      }
    };
  }
  close(): void {
    this.statements.clear();
    this.db.close();
  }
}

export const runtime: Runtime = {
  name: "deno",
  version: `Deno ${Deno.version.deno}`,
  openDatabase(file: string, options: OpenOptions = {}): SqlDatabase {
    return new NodeSqliteDatabase(new DatabaseSync(file, { readOnly: !!options.readonly }));
  },
  postgresClient() {
    throw new Error(
      "PostgreSQL storage needs Bun (its SQL client): under Deno the store is SQLite (leave the database options unset)",
    );
  },
  async serve(app: ServableApp, o: ServeOptions): Promise<HttpServer> {
    // The peer of each request, for the audit trail and the mTLS front's look-up (Bun: requestIP).
    const peers = new WeakMap<Request, { address: string; port: number }>();
    const tls = o.tls ? { cert: o.tls.cert, key: o.tls.key } : {};
    const server = Deno.serve({ hostname: o.hostname, port: o.port, ...tls, onListen: () => {} }, (received, info) => {
      const stalled = { yes: false };
      const request = o.idleTimeout ? withIdleTimeout(received, o.idleTimeout, stalled) : received;
      peers.set(request, { address: info.remoteAddr.hostname, port: info.remoteAddr.port });
      if (!o.idleTimeout) return app.handle(request);
      return Promise.resolve(app.handle(request)).then((response) => {
        if (stalled.yes) response.headers.set("connection", "close"); // the rest of that body is not awaited
        return response;
      });
    });
    return {
      port: server.addr.port,
      requestIP: (r) => peers.get(r) ?? null,
      async stop() {
        await server.shutdown();
      },
    };
  },
};

/**
 * Deno.serve has no idle timeout: a body that stops arriving for `seconds` errors the request's
 * stream with Invalid_Message (the KMIP answer), and the unread connection is then closed.
 */
function withIdleTimeout(request: Request, seconds: number, stalled: { yes: boolean }): Request {
  if (!request.body) return request;
  const reader = request.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new KmipError("Invalid_Message", `the request body stalled for ${seconds} s`)),
          seconds * 1000,
        );
      });
      try {
        const { done, value } = await Promise.race([reader.read(), timeout]);
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        stalled.yes = true;
        void reader.cancel().catch(() => undefined);
        controller.error(e);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Request(request, { body, duplex: "half" } as RequestInit);
}
