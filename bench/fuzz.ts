/**
 * Long hostile-input run: `bun bench/fuzz.ts [inputs=50000] [seed]` against an in-process server on a
 * temp SQLite file; prints inputs tried, accepted/rejected counts, problems and peak memory.
 */
import { fuzz } from "../test/reliability/fuzz-harness.ts";
import { postKmip, startTestServer, t, valueOf } from "../test/helpers/server.ts";

const count = Number(process.argv[2] ?? 50_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const server = await startTestServer({ maxBodyBytes: 1 << 20 });
let peak = 0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
try {
  const c = await postKmip(
    server.url,
    t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
  );
  const uid = valueOf(c.json, "UniqueIdentifier") as string;
  const t0 = performance.now();
  let total = { tried: 0, accepted: 0, rejected: 0, problems: [] as string[] };
  for (let done = 0; done < count; done += 5000) {
    const r = await fuzz(server.url, server.dataDir, uid, Math.min(5000, count - done), seed + done);
    total = {
      tried: total.tried + r.tried,
      accepted: total.accepted + r.accepted,
      rejected: total.rejected + r.rejected,
      problems: [...total.problems, ...r.problems],
    };
    console.log(
      `${total.tried} inputs, ${total.rejected} rejected, ${total.problems.length} problems, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
    );
  }
  const healthy = (await fetch(server.url + "/health")).status === 200;
  console.log(
    `\nseed ${seed}: ${total.tried} inputs in ${((performance.now() - t0) / 1000).toFixed(0)} s; accepted ${total.accepted}, rejected ${total.rejected}; problems ${total.problems.length}; server healthy: ${healthy}; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`,
  );
  for (const p of total.problems.slice(0, 20)) console.log(`  ${p}`);
  process.exitCode = total.problems.length || !healthy ? 1 : 0;
} finally {
  clearInterval(timer);
  await server.dispose();
}
