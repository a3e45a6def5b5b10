/**
 * Entry point: `kms [options]` (see --help). Opens the store (SQLite or PostgreSQL), starts HTTP(S), stops cleanly
 * on SIGINT/SIGTERM.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Authenticator } from "../auth/identity.ts";
import { claimDataDir, masterKeyPath, openStore } from "./storage.ts";
import { isLoopbackHost } from "../auth/loopback.ts";
import { checkConfig, ConfigError, helpText, loadConfig, type ServerConfig } from "./config.ts";
import { redactUrl } from "../store/database-url.ts";
import { createApp } from "./app.ts";
import { startMtlsFront, type MtlsFront } from "./mtls-front.ts";
import { startSocketServer, type SocketServer } from "./socket-server.ts";
import { createLogger, type Logger } from "./log.ts";
import { VERSION_STRING } from "./version.ts";
import { DatabaseAuditSink, FileAuditSink, loadAuditKey, type AuditSink } from "./audit.ts";
import { WorkerPool } from "../operations/common/heavy.ts";
import { openHsm, hsmMasterKey } from "./hsm.ts";
import { Metrics } from "./metrics.ts";
import { DEFAULT_CHECK_SECONDS, RotationScheduler } from "./rotation.ts";
import { runtime, type HttpServer, type ServableApp } from "../runtime/index.ts";
import { sodiumBackend } from "../../native/sodium.ts";
import { ristretto } from "../../native/ristretto.ts";

/**
 * TLS 1.2 suites: forward-secret AEAD only (Mozilla "intermediate"); TLS 1.3 suites are all AEAD
 * and keep the library defaults. TLS 1.0 and 1.1 are switched off.
 */
export const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");
const NO_TLS_BELOW_1_2 = 0x04000000 /* SSL_OP_NO_TLSv1 */ | 0x10000000; /* SSL_OP_NO_TLSv1_1 */

export interface RunningServer {
  url: string;
  port: number;
  /** Port of the KMIP socket server, when started. */
  socketPort?: number;
  /** Re-reads the API keys file (what SIGHUP does); logs the outcome. */
  reloadCredentials(): void;
  /** Automatic key rotation (runs every --rotation-check-interval seconds; runOnce for tests). */
  rotation: RotationScheduler;
  stop(): Promise<void>;
}

export async function startServer(
  config: ServerConfig,
  log: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  checkConfig(config);
  const metricsToken = config.metricsTokenFile ? readMetricsToken(config.metricsTokenFile) : undefined; // before anything is opened
  const auth = new Authenticator({
    defaultUsername: config.defaultUsername,
    apiKeys: config.apiKeys,
    apiKeysFile: config.apiKeysFile,
    jwtProviders: config.jwtProviders,
    clientCertificates: !!config.tls?.clientsCaFile,
  });
  const hsm = config.hsm ? await openHsm(config.hsm, log) : undefined;
  let store;
  try {
    const masterKey = hsm && config.keyEncryptionKey ? hsmMasterKey(hsm, config.keyEncryptionKey, log) : undefined;
    store = await openStore({ ...config, masterKey, log });
  } catch (e) {
    hsm?.close();
    throw e;
  }
  const release = claimDataDir(config.dataDir);
  let audit: AuditSink;
  try {
    const auditOptions = {
      key: loadAuditKey(config.auditKeyFile ?? path.join(config.dataDir, "audit.key"), log),
      checkpointRecords: config.auditCheckpointRecords,
      checkpointSeconds: config.auditCheckpointSeconds,
      sync: config.auditSync,
      log,
    };
    audit =
      config.audit === "database"
        ? new DatabaseAuditSink(store, auditOptions)
        : new FileAuditSink(config.audit ?? path.join(config.dataDir, "audit.log"), auditOptions);
  } catch (e) {
    await store.close();
    hsm?.close();
    release();
    throw e;
  }
  const metrics = config.metrics || metricsToken ? new Metrics(VERSION_STRING) : undefined;
  if (metrics) audit = metrics.wrapAudit(audit);
  let front: MtlsFront | undefined;
  const settings = {
    vendorId: config.vendorId,
    version: VERSION_STRING,
    privilegedUsers: config.privilegedUsers,
    hsm: hsm && config.hsm ? { hsm, admins: config.hsm.admins, kek: config.keyEncryptionKey } : undefined,
  };
  const limits = { maxBatchItems: config.maxBatchItems, maxResponseBytes: config.maxResponseBytes };
  const pool = new WorkerPool({ threads: config.workerThreads || undefined, queue: config.workerQueue });
  let publicPort = 0;
  let http: HttpServer | undefined;
  const rotation = new RotationScheduler({
    store,
    settings,
    log,
    metrics,
    minIntervalSeconds: config.rotationMinIntervalSeconds,
  });
  const app = createApp({
    pool,
    limits,
    // TLS client certificates: the CN and the client's address come from the node:tls front by connection (mtls-front.ts)
    mtlsPeer: (request) => front?.peerOf(http?.requestIP(request) ?? undefined),
    requestIP: (request) => http?.requestIP(request) ?? null,
    listening: { loopback: isLoopbackHost(config.hostname), port: () => publicPort },
    audit,
    store,
    log,
    auth,
    maxBodyBytes: config.maxBodyBytes,
    metrics,
    metricsToken,
    settings,
  });
  if (runtime.name === "deno" && config.tls?.cipherSuites) {
    // Deno's TLS (rustls, under Deno.serve and node:tls alike) takes no suite list: its fixed set is
    // TLS 1.2/1.3 forward-secret AEAD only.
    throw new ConfigError(
      "--tls-cipher-suites cannot be applied under Deno (its TLS library has a fixed list of forward-secret AEAD suites): leave it unset",
    );
  }
  const tls = config.tls
    ? {
        cert:
          readFileSync(config.tls.certFile, "utf8") +
          (config.tls.chainFile ? readFileSync(config.tls.chainFile, "utf8") : ""),
        key: readFileSync(config.tls.keyFile, "utf8"),
        ciphers: config.tls.cipherSuites ?? TLS12_CIPHERS,
        secureOptions: NO_TLS_BELOW_1_2,
        ...(config.tls.clientsCaFile
          ? { ca: readFileSync(config.tls.clientsCaFile, "utf8"), requestCert: true, rejectUnauthorized: true }
          : {}),
      }
    : undefined;
  if (tls && "ca" in tls && tls.ca) {
    // Bun.serve cannot tell the handler who the client certificate names: TLS ends in a node:tls front
    // (nor can Deno.serve verify them at all).
    http = await runtime.serve(app as unknown as ServableApp, {
      hostname: "127.0.0.1",
      port: 0,
      idleTimeout: config.idleTimeoutSeconds,
    });
    const { ca, cert, key, ciphers } = tls;
    front = await startMtlsFront({
      hostname: config.hostname,
      port: config.port,
      cert,
      key,
      ca,
      ciphers,
      backendPort: http.port,
      idleTimeoutSeconds: config.idleTimeoutSeconds,
    });
  } else {
    http = await runtime.serve(app as unknown as ServableApp, {
      hostname: config.hostname,
      port: config.port,
      tls,
      idleTimeout: config.idleTimeoutSeconds,
    });
  }
  let socketServer: SocketServer | undefined;
  if (config.socketServer.start && tls && "ca" in tls && tls.ca) {
    const { ca, cert, key, ciphers } = tls;
    socketServer = await startSocketServer({
      hostname: config.socketServer.hostname,
      port: config.socketServer.port,
      cert,
      key,
      ca,
      ciphers,
      idleTimeoutSeconds: config.idleTimeoutSeconds,
      maxMessageBytes: config.maxBodyBytes,
      auth,
      kmip: { store, log, audit, settings, pool, limits, metrics },
    });
  }
  const server = { port: front?.port ?? http.port };
  publicPort = server.port!;
  const scheme = tls ? "https" : "http";
  const url = `${scheme}://${config.hostname.includes(":") ? `[${config.hostname}]` : config.hostname}:${server.port}`;
  log.info("listening", {
    url,
    dataDir: path.resolve(config.dataDir),
    masterKeyFile: config.keyEncryptionKey ? undefined : masterKeyPath(config),
    keyEncryptionKey: config.keyEncryptionKey,
    hsm: hsm ? { model: hsm.model, slots: hsm.slots.join(",") } : undefined,
    database: config.databaseType === "postgresql" && config.databaseUrl ? redactUrl(config.databaseUrl) : "sqlite",
    audit: audit.where,
    auth: auth.enabled ? "on" : "off (every caller is the default user)",
    runtime: runtime.version,
    sodium: sodiumBackend,
    ristretto255: ristretto ? "native addon (libsodium, Node-API)" : "TypeScript (@noble/curves)",
  });
  rotation.start(config.rotationCheckSeconds ?? DEFAULT_CHECK_SECONDS);
  return {
    url,
    port: server.port!,
    socketPort: socketServer?.port,
    reloadCredentials() {
      if (!config.apiKeysFile) return log.info("SIGHUP: no API keys file to re-read");
      try {
        log.info("API keys file re-read", { file: config.apiKeysFile, keys: auth.reloadApiKeys() });
      } catch (e) {
        log.error("API keys file NOT re-read: the previous keys stay in use", { error: (e as Error).message });
      }
    },
    rotation,
    async stop() {
      await rotation.stop();
      await socketServer?.close();
      await front?.close();
      await http!.stop();
      pool.close();
      await audit.close();
      await store.close();
      hsm?.close();
      release();
    },
  };
}

/** The metrics bearer token: the file's content, trimmed; at least 16 characters. */
function readMetricsToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, "utf8").trim();
  } catch (e) {
    throw new ConfigError(
      `cannot read the metrics token file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (token.length < 16) throw new ConfigError(`the metrics token in ${file} must be at least 16 characters`);
  return token;
}

/** `kms [serve] [options]`: parses the options and runs the server until SIGINT/SIGTERM. */
export async function serve(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = loadConfig(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (parsed.kind === "help") return void process.stdout.write(helpText() + "\n");
  if (parsed.kind === "version") return void process.stdout.write(VERSION_STRING + "\n");
  const log = createLogger(parsed.config.logLevel);
  let server: RunningServer;
  try {
    server = await startServer(parsed.config, log);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(2);
    }
    log.error("cannot start", { error: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  }
  const shutdown = async (signal: string) => {
    log.info("stopping", { signal });
    await server.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGHUP", () => server.reloadCredentials());
}

if (import.meta.main) await serve(process.argv.slice(2));
