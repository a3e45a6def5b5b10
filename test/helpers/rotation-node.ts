/**
 * A second "server" for the rotation tests: opens the data folder's database, waits until the
 * given start time (so that several such processes run together), runs one rotation pass at the
 * given clock time, prints the result as JSON and exits.
 * Usage: bun test/helpers/rotation-node.ts DATA_DIR START_MS AT_MS
 */
import { openStore } from "../../src/server/storage.ts";
import { silentLogger } from "../../src/server/log.ts";
import { RotationScheduler } from "../../src/server/rotation.ts";

const [dataDir, start, at] = process.argv.slice(2);
const store = await openStore({ dataDir, log: silentLogger });
const node = new RotationScheduler({ store, settings: { vendorId: "cosmian", version: "test" }, log: silentLogger });
const due = await node.due(new Date(Number(at)));
await new Promise((r) => setTimeout(r, Math.max(0, Number(start) - Date.now())));
const result = await node.rotate(due, new Date(Number(at)));
await store.close();
process.stdout.write(JSON.stringify(result) + "\n");
