/**
 * Prometheus metrics, written in the text exposition format (version 0.0.4) by hand: a few
 * counters, one histogram and gauges computed at scrape time, with no dependency and no work on
 * the request path beyond a map update and a histogram bucket increment.
 *
 * Request path: `observe(operation, result, seconds)` per KMIP operation (bare or batch item),
 * `inFlight` around each HTTP request. Scrape: object counts by type and state and the database
 * and cache figures come from the store (one GROUP BY query), process figures from the runtime.
 */
import { readdirSync } from "node:fs";
import type { ObjectStore } from "../store/store.ts";
import { AuditUnavailable, type AuditSink } from "./audit.ts";

/** Latency buckets in seconds: sub-millisecond KMIP operations up to slow RSA/PQC key generation. */
export const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** Escapes a label value (backslash, double quote, newline). */
function label(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labels(pairs: Record<string, string>): string {
  const parts = Object.entries(pairs).map(([k, v]) => `${k}="${label(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** Operation names are bounded by the dispatch table; anything else is folded into "other". */
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly http = new Map<string, number>();
  private readonly rotations = new Map<string, number>();
  inFlight = 0;
  auditFailures = 0;
  private readonly started = Date.now() / 1000;

  constructor(private readonly version: string) {}

  /** One KMIP operation's outcome ("Success" or the Result Reason) and duration. */
  observe(operation: string, result: string, seconds: number): void {
    const op = SAFE_NAME.test(operation) ? operation : "other";
    const res = SAFE_NAME.test(result) ? result : "other";
    const key = `${op}\u0000${res}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(op);
    if (!h) this.latency.set(op, (h = { counts: new Array(BUCKETS.length).fill(0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  /** One HTTP answer, by route and status code. */
  observeHttp(route: string, status: number): void {
    const key = `${route}\u0000${status}`;
    this.http.set(key, (this.http.get(key) ?? 0) + 1);
  }

  /** One automatic rotation attempt ("rotated", "skipped" when another node won, "failed"). */
  observeRotation(result: "rotated" | "skipped" | "failed"): void {
    this.rotations.set(result, (this.rotations.get(result) ?? 0) + 1);
  }

  /** Counts the audit sink's failures (the failure still propagates). */
  wrapAudit<T extends AuditSink>(sink: T): T {
    // append() logs its own failures and never throws; intent(), committed() and failedReadOnly() throw AuditUnavailable.
    const intent = sink.intent.bind(sink);
    const committed = sink.committed.bind(sink);
    const counted = (e: unknown): never => {
      if (e instanceof AuditUnavailable) this.auditFailures++;
      throw e;
    };
    sink.intent = (fields) => intent(fields).catch(counted);
    sink.committed = (work, records, readOnly) => committed(work, records, readOnly).catch(counted);
    const failedReadOnly = sink.failedReadOnly.bind(sink);
    sink.failedReadOnly = (...records) => failedReadOnly(...records).catch(counted);
    return sink;
  }

  /** The exposition text. */
  async render(store: ObjectStore): Promise<string> {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family("kms_build_info", "gauge", "Version of the server.");
    out.push(`kms_build_info${labels({ version: this.version })} 1`);

    family(
      "kms_kmip_requests_total",
      "counter",
      "KMIP operations served, by operation and result (Success or the KMIP Result Reason).",
    );
    for (const [key, n] of [...this.requests].sort()) {
      const [operation, result] = key.split("\u0000");
      out.push(`kms_kmip_requests_total${labels({ operation, result })} ${n}`);
    }

    family(
      "kms_kmip_request_duration_seconds",
      "histogram",
      "Time to run a KMIP operation (decoding and encoding excluded).",
    );
    for (const [operation, h] of [...this.latency].sort()) {
      BUCKETS.forEach((b, i) => {
        out.push(`kms_kmip_request_duration_seconds_bucket${labels({ operation, le: String(b) })} ${h.counts[i]}`);
      });
      out.push(`kms_kmip_request_duration_seconds_bucket${labels({ operation, le: "+Inf" })} ${h.count}`);
      out.push(`kms_kmip_request_duration_seconds_sum${labels({ operation })} ${h.sum}`);
      out.push(`kms_kmip_request_duration_seconds_count${labels({ operation })} ${h.count}`);
    }

    family("kms_http_requests_total", "counter", "HTTP answers, by route and status code.");
    for (const [key, n] of [...this.http].sort()) {
      const [route, code] = key.split("\u0000");
      out.push(`kms_http_requests_total${labels({ route, code })} ${n}`);
    }

    family("kms_http_requests_in_flight", "gauge", "HTTP requests being served.");
    out.push(`kms_http_requests_in_flight ${this.inFlight}`);

    family("kms_audit_failures_total", "counter", "Audit records that could not be written.");
    out.push(`kms_audit_failures_total ${this.auditFailures}`);

    family(
      "kms_key_rotations_total",
      "counter",
      "Automatic key rotations, by result (rotated, skipped: another node did it, failed).",
    );
    for (const result of ["rotated", "skipped", "failed"])
      out.push(`kms_key_rotations_total${labels({ result })} ${this.rotations.get(result) ?? 0}`);

    const up = await store.healthy();
    family("kms_database_up", "gauge", "1 when the database answers.");
    out.push(`kms_database_up ${up ? 1 : 0}`);
    const stats = up && store.stats ? await store.stats().catch(() => undefined) : undefined;
    if (stats) {
      family("kms_objects", "gauge", "Stored objects, by object type and state.");
      for (const o of stats.objects)
        out.push(`kms_objects${labels({ object_type: o.objectType, state: o.state })} ${o.count}`);
      if (stats.databaseBytes !== undefined) {
        family("kms_database_size_bytes", "gauge", "Size of the database (pages in use and free).");
        out.push(`kms_database_size_bytes ${stats.databaseBytes}`);
      }
      if (stats.cache) {
        family("kms_object_cache_entries", "gauge", "Decoded objects held in the read cache.");
        out.push(`kms_object_cache_entries ${stats.cache.entries}`);
        family("kms_object_cache_capacity", "gauge", "Capacity of the read cache.");
        out.push(`kms_object_cache_capacity ${stats.cache.capacity}`);
        family("kms_object_cache_hits_total", "counter", "Reads served by the cache.");
        out.push(`kms_object_cache_hits_total ${stats.cache.hits}`);
        family("kms_object_cache_misses_total", "counter", "Reads that went to the database.");
        out.push(`kms_object_cache_misses_total ${stats.cache.misses}`);
      }
    }

    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    family("process_cpu_seconds_total", "counter", "User and system CPU time.");
    out.push(`process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
    family("process_resident_memory_bytes", "gauge", "Resident memory.");
    out.push(`process_resident_memory_bytes ${mem.rss}`);
    family("process_heap_bytes", "gauge", "JavaScript heap in use.");
    out.push(`process_heap_bytes ${mem.heapUsed}`);
    family("process_start_time_seconds", "gauge", "Start time, seconds since the epoch.");
    out.push(`process_start_time_seconds ${Math.floor(this.started)}`);
    const fds = openFds();
    if (fds !== undefined) {
      family("process_open_fds", "gauge", "Open file descriptors.");
      out.push(`process_open_fds ${fds}`);
    }
    return out.join("\n") + "\n";
  }
}

function openFds(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}
