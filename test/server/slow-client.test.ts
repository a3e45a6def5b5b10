/** Slow clients are cut: a connection that sends half a request and stalls is closed after the idle timeout. */
import { afterAll, beforeAll, expect, test } from "vitest";
import net from "node:net";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ idleTimeoutSeconds: 1 });
});
afterAll(async () => server?.dispose());

test("a stalled half-sent request is closed by the server", async () => {
  const started = Date.now();
  const closedAfter = await new Promise<number>((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1", () => {
      socket.write(
        `POST /kmip/2_1 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"tag":`,
      );
    });
    socket.on("close", () => resolve(Date.now() - started));
    socket.on("error", () => undefined);
    setTimeout(() => reject(new Error("the server kept the stalled connection open")), 10_000);
  });
  expect(closedAfter).toBeLessThan(10_000);
  expect((await fetch(server.url + "/health")).status).toBe(200);
}, 15_000);
