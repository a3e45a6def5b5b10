/**
 * The heavy-work pool: a bounded set of worker threads for CPU-heavy computations (heavy-tasks.ts),
 * so that one request generating an RSA-4096 key or signing with SLH-DSA never stalls the event
 * loop that answers every other client.
 *
 * - At most `threads` computations run at once; up to `queue` more wait. When the queue is full the
 *   request fails at once with Server_Limit_Exceeded (the client may retry later).
 * - Work of a client that disconnects is abandoned: a waiting task leaves the queue, a running one
 *   has its worker terminated (and replaced on demand).
 * - The request being served (its pool and abort signal) travels in an AsyncLocalStorage set by the
 *   HTTP layer (`withHeavyContext`); outside a request, or where workers cannot start, tasks run
 *   inline, so the operations behave the same in unit tests.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { availableParallelism } from "node:os";
import { KmipError } from "../../kmip/error.ts";
import { CoverCryptError } from "../../crypto/covercrypt/errors.ts";
import { FpeError } from "../../crypto/ff1/errors.ts";
import { RsaError } from "../../crypto/rsa-keys.ts";
import type { HeavyTask, HeavyTasks } from "./heavy-tasks.ts";

/**
 * Where the worker script is: beside this file in a source tree; in a `bun build --compile`
 * executable, where scripts/build.ts embeds it (entry points keep their paths relative to src/).
 */
const WORKER_URL = import.meta.url.includes("$bunfs")
  ? "./operations/common/heavy-worker.ts"
  : new URL("./heavy-worker.ts", import.meta.url).href;

export interface PoolOptions {
  /** Worker threads (default: the number of cores minus one, at least 1). */
  threads?: number;
  /** Tasks that may wait for a free worker before new ones are refused. */
  queue?: number;
}

// One core stays with the event loop (cheap requests keep their latency while heavy work runs); at least one worker.
export const defaultWorkerThreads = (): number => Math.max(1, availableParallelism() - 1);

type Job = {
  id: number;
  task: HeavyTask;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  worker?: PoolWorker;
};

type PoolWorker = { worker: Worker; job?: Job };

const ERROR_CLASSES: Record<string, { prototype: Error }> = Object.assign(Object.create(null), {
  KmipError,
  CoverCryptError,
  FpeError,
  RsaError,
  RangeError,
  TypeError,
});

/** An error thrown in a worker, rebuilt with its class and fields so callers map it as usual. */
function rebuildError(e: { name: string; message: string; fields: Record<string, unknown> }): Error {
  const proto = (ERROR_CLASSES[e.name] ?? Error).prototype;
  const error = Object.create(proto) as Error;
  Object.assign(error, e.fields);
  Object.defineProperty(error, "message", { value: e.message, writable: true, configurable: true });
  Object.defineProperty(error, "name", { value: e.name, writable: true, configurable: true });
  return error;
}

export class WorkerPool {
  readonly threads: number;
  readonly queueLimit: number;
  private readonly idle: PoolWorker[] = [];
  private readonly busy = new Set<PoolWorker>();
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** False once a worker failed to start: tasks then run inline. */
  private workersAvailable = true;

  constructor(options: PoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? defaultWorkerThreads());
    this.queueLimit = Math.max(0, options.queue ?? 16 * this.threads);
  }

  /** Tasks running and waiting (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.busy.size, waiting: this.waiting.length };
  }

  run<K extends HeavyTask>(
    task: K,
    args: Parameters<HeavyTasks[K]>,
    signal?: AbortSignal,
  ): Promise<ReturnType<HeavyTasks[K]>> {
    if (signal?.aborted) return Promise.reject(canceled());
    if (this.closed) return Promise.reject(new KmipError("Server_Limit_Exceeded", "the server is stopping"));
    if (!this.workersAvailable) return runInline(task, args);
    if (this.busy.size >= this.threads && this.waiting.length >= this.queueLimit) {
      return Promise.reject(
        new KmipError(
          "Server_Limit_Exceeded",
          `the server is busy: ${this.busy.size} heavy operations are running and ${this.waiting.length} are waiting; retry later`,
          "busy",
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, args, resolve: resolve as (v: unknown) => void, reject, signal };
      if (signal) {
        job.onAbort = () => this.abandon(job);
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.waiting.push(job);
      this.pump();
    });
  }

  /** Terminates every worker; waiting and running tasks fail. */
  close(): void {
    this.closed = true;
    for (const job of this.waiting.splice(0))
      this.settle(job, () => job.reject(new KmipError("Server_Limit_Exceeded", "the server is stopping")));
    for (const w of [...this.busy, ...this.idle]) {
      if (w.job)
        this.settle(w.job, () => w.job!.reject(new KmipError("Server_Limit_Exceeded", "the server is stopping")));
      w.worker.terminate();
    }
    this.busy.clear();
    this.idle.length = 0;
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.busy.size < this.threads) {
      const w = this.idle.pop() ?? this.spawn();
      if (!w) {
        // No worker threads in this runtime: everything waiting runs inline.
        for (const job of this.waiting.splice(0)) {
          runInline(job.task, job.args as never).then(
            (v) => this.settle(job, () => job.resolve(v)),
            (e) => this.settle(job, () => job.reject(e)),
          );
        }
        return;
      }
      const job = this.waiting.shift()!;
      w.job = job;
      job.worker = w;
      this.busy.add(w);
      w.worker.postMessage({ id: job.id, task: job.task, args: job.args });
    }
  }

  private spawn(): PoolWorker | undefined {
    let worker: Worker;
    try {
      // type "module": Deno only runs module workers; Bun takes the option as well.
      worker = new Worker(WORKER_URL, { type: "module" });
    } catch {
      this.workersAvailable = false;
      return undefined;
    }
    (worker as Worker & { unref?: () => void }).unref?.();
    const w: PoolWorker = { worker };
    worker.onmessage = (e: MessageEvent) => {
      const job = w.job;
      const data = e.data as {
        id: number;
        result?: unknown;
        error?: { name: string; message: string; fields: Record<string, unknown> };
      };
      if (!job || job.id !== data.id) return;
      this.release(w);
      this.settle(job, () => (data.error ? job.reject(rebuildError(data.error)) : job.resolve(data.result)));
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault?.();
      const job = w.job;
      this.discard(w);
      if (job) this.settle(job, () => job.reject(new Error(`a worker thread failed: ${e.message}`)));
      this.pump();
    };
    return w;
  }

  /** A worker done with its job goes back to the idle list and takes the next one. */
  private release(w: PoolWorker): void {
    w.job = undefined;
    this.busy.delete(w);
    if (this.closed) w.worker.terminate();
    else this.idle.push(w);
    this.pump();
  }

  private discard(w: PoolWorker): void {
    w.job = undefined;
    this.busy.delete(w);
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    w.worker.terminate();
  }

  /** The client went away: drop its waiting task, or stop the worker computing it. */
  private abandon(job: Job): void {
    const i = this.waiting.indexOf(job);
    if (i >= 0) this.waiting.splice(i, 1);
    else if (job.worker && job.worker.job === job) {
      this.discard(job.worker);
      this.pump();
    }
    this.settle(job, () => job.reject(canceled()));
  }

  private settle(job: Job, f: () => void): void {
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    job.onAbort = undefined;
    job.worker = undefined;
    f();
  }
}

const canceled = () =>
  new KmipError("Operation_Canceled_By_Requester", "the client closed the connection; the operation was abandoned");

/** The tasks' module (RSA, post-quantum, CoverCrypt, FF1) is imported on the first inline task only. */
async function runInline<K extends HeavyTask>(
  task: K,
  args: Parameters<HeavyTasks[K]>,
): Promise<ReturnType<HeavyTasks[K]>> {
  const { HEAVY_TASKS } = await import("./heavy-tasks.ts");
  return (HEAVY_TASKS[task] as (...a: unknown[]) => ReturnType<HeavyTasks[K]>)(...args);
}

const current = new AsyncLocalStorage<{ pool: WorkerPool; signal?: AbortSignal }>();

/** Runs `fn` (a request) with `pool` for its heavy work, abandoned when `signal` aborts. */
export function withHeavyContext<T>(pool: WorkerPool, signal: AbortSignal | undefined, fn: () => T): T {
  return current.run({ pool, signal }, fn);
}

/**
 * Runs a heavy task on the pool of the current request (inline outside a request). Keep it out of
 * store transactions: a transaction waiting on a worker holds the write lock of every client.
 */
export function runHeavy<K extends HeavyTask>(
  task: K,
  ...args: Parameters<HeavyTasks[K]>
): Promise<ReturnType<HeavyTasks[K]>> {
  const ctx = current.getStore();
  if (!ctx) return runInline(task, args);
  return ctx.pool.run(task, args, ctx.signal);
}
