/**
 * The audit trail: one record per operation (time, user, operation, object id, result, client
 * address, request id), appended BEFORE the response is sent. Clients cannot turn it off; the
 * server's configuration chooses where it goes: a JSON-lines file (default `<data-dir>/audit.log`)
 * or the database (`audit` table). Records hold identifiers only, never key material or data.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import type { ObjectStore } from "../store/store.ts";

export interface AuditEvent {
  time: string;
  requestId: string;
  user: string;
  client?: string;
  operation: string;
  objectId?: string;
  /** "Success", or the KMIP result reason of the failure */
  result: string;
}

export interface AuditSink {
  append(event: AuditEvent): Promise<void>;
}

/**
 * JSON lines on a descriptor kept open in append mode. Records of requests answered in the same
 * turn of the event loop are written together (group commit): `append` resolves once its record is
 * in the file, and the caller answers only then. One write per batch instead of one per request.
 */
export class FileAuditSink implements AuditSink {
  private readonly fd: number;
  private pending: string[] = [];
  private batch: Promise<void> | undefined;

  constructor(readonly file: string) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = openSync(file, "a", 0o600);
  }

  append(event: AuditEvent): Promise<void> {
    this.pending.push(JSON.stringify(event) + "\n");
    this.batch ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        const lines = this.pending.join("");
        this.pending = [];
        this.batch = undefined;
        try {
          writeSync(this.fd, lines);
          resolve();
        } catch (e) {
          reject(e);
        }
      }),
    );
    return this.batch;
  }

  close(): void {
    if (this.pending.length) writeSync(this.fd, this.pending.join(""));
    closeSync(this.fd);
  }
}

export class DatabaseAuditSink implements AuditSink {
  constructor(private readonly store: ObjectStore) {}
  async append(event: AuditEvent): Promise<void> {
    await this.store.appendAudit(event);
  }
}

export function auditEvent(fields: Omit<AuditEvent, "time">): AuditEvent {
  return { time: new Date().toISOString(), ...fields };
}

/** The object id an operation concerns: from its response, else its request. */
export function objectIdOf(request: Record<string, unknown> | undefined, response?: Record<string, unknown>): string | undefined {
  for (const r of [response, request]) {
    if (!r) continue;
    for (const key of ["UniqueIdentifier", "PrivateKeyUniqueIdentifier"]) {
      const v = r[key];
      if (typeof v === "string") return v;
      if (Array.isArray(v) && typeof v[0] === "string") return v.join(",");
    }
  }
  return undefined;
}
