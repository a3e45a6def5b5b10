/**
 * A worker thread of the heavy-work pool (heavy.ts): runs one HEAVY_TASKS entry per message and
 * answers its result, or its error as plain data (heavy.ts rebuilds the error class).
 * scripts/build.ts embeds this file in the executable as its own entry point.
 */
import { HEAVY_TASKS, type HeavyTask } from "./heavy-tasks.ts";

declare const self: { onmessage: (e: MessageEvent) => void; postMessage(message: unknown): void };

// The executable starts with JavaScriptCore's JIT held back (scripts/build.ts); a worker runs hot code at once.
(globalThis as { Bun?: { unsafe?: { setJITPolicy?(scale: number): void } } }).Bun?.unsafe?.setJITPolicy?.(1);

self.onmessage = (e: MessageEvent) => {
  const { id, task, args } = e.data as { id: number; task: HeavyTask; args: unknown[] };
  try {
    if (!Object.hasOwn(HEAVY_TASKS, task)) throw new Error(`unknown task ${String(task)}`);
    const result = (HEAVY_TASKS[task] as (...a: unknown[]) => unknown)(...args);
    self.postMessage({ id, result });
  } catch (err) {
    const error =
      err instanceof Error
        ? { name: err.name, message: err.message, fields: { ...err } }
        : { name: "Error", message: String(err), fields: {} };
    self.postMessage({ id, error });
  }
};
