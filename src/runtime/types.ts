import type { SQL } from "bun";
import { KmipError } from "../kmip/error.ts";

/**
 * What differs between the runtimes the server runs on (Bun, Deno): SQLite and HTTP serving.
 * Everything above this seam is the same code on both. One file per runtime (bun.ts, deno.ts);
 * index.ts picks one at start-up.
 */

/** A prepared statement: positional `?` parameters; rows as plain objects; no row is `null`. */
export interface SqlStatement<Row = unknown, Params extends unknown[] = unknown[]> {
  get(...params: Params): Row | null;
  all(...params: Params): Row[];
  run(...params: Params): { changes: number };
  iterate(...params: Params): IterableIterator<Row>;
}

/** The few SQLite calls the store makes (bun:sqlite's names). */
export interface SqlDatabase {
  /** A cached prepared statement for `sql`. */
  query<Row = unknown, Params extends unknown[] = unknown[]>(sql: string): SqlStatement<Row, Params>;
  exec(sql: string): void;
  /** Runs `fn` inside BEGIN ... COMMIT (ROLLBACK when it throws). */
  transaction(fn: () => void): () => void;
  close(): void;
}

/**
 * Refuses a text parameter holding U+0000, for databases whose text cannot round-trip it
 * (PostgreSQL refuses it; node:sqlite reads such text back cut at the NUL).
 */
export function refuseNul(params: readonly unknown[]): void {
  if (params.some((p) => typeof p === "string" && p.includes("\u0000"))) {
    throw new KmipError(
      "Invalid_Field",
      "a text value of the request (identifier, tag, user or operation) contains a NUL character (U+0000)",
    );
  }
}

/** A PostgreSQL connection pool (Bun.SQL's type; erased at run time). */
export type SqlClient = SQL;

export interface OpenOptions {
  readonly?: boolean;
}

export interface ServeOptions {
  hostname: string;
  port: number;
  idleTimeout?: number;
  /** PEM strings. Client certificates are verified by the node:tls front, never here. */
  tls?: { cert: string; key: string; ciphers?: string; secureOptions?: number };
}

/** The web-standard handler both runtimes call (Elysia's `app.handle`). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface HttpServer {
  port: number;
  /** The peer of the connection a request came on. */
  requestIP(request: Request): { address: string; port: number } | null;
  stop(): Promise<void>;
}

/** The part of an Elysia application the seam serves: Bun listens through it, Deno calls `handle`. */
export interface ServableApp {
  handle: FetchHandler;
  listen(options: Record<string, unknown>): unknown;
  server: { port?: number; requestIP(request: Request): { address: string; port: number } | null } | null;
  stop(): Promise<void>;
}

export interface Runtime {
  name: "bun" | "deno";
  /** e.g. "Bun 1.4.5", "Deno 2.9.6". */
  version: string;
  openDatabase(file: string, options?: OpenOptions): SqlDatabase;
  /** The PostgreSQL client (Bun.SQL); throws where there is none (Deno). */
  postgresClient(): typeof SQL;
  /** Serves `app` over HTTP(S); resolves once it listens. */
  serve(app: ServableApp, options: ServeOptions): Promise<HttpServer>;
}
