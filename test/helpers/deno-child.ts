/**
 * The server process of the Deno test mode (KMS_TEST_RUNTIME=deno, see server.ts): `deno run`
 * this file with the test's whole configuration as JSON in KMS_TEST_CONFIG. It starts the same
 * server as src/cli/main.ts (startServer), prints one line `{"url":...,"port":...}` on stdout once it
 * listens, re-reads the API keys file on SIGHUP, and stops cleanly on SIGTERM.
 */
import { startServer } from "../../src/server/main.ts";
import { createLogger } from "../../src/server/log.ts";

const config = JSON.parse(process.env.KMS_TEST_CONFIG ?? "");
const server = await startServer(config, createLogger("error"));
process.stdout.write(JSON.stringify({ url: server.url, port: server.port, socketPort: server.socketPort }) + "\n");
process.on("SIGHUP", () => server.reloadCredentials());
process.on("SIGTERM", () => {
  void server.stop().then(() => process.exit(0));
});
