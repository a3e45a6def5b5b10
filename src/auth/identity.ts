/**
 * Who is calling. Methods are tried in order: TLS client certificate, then bearer token (API key,
 * then JWT). With no method configured, every caller is the default user. With any configured and
 * none succeeding: 401.
 *
 * API keys are compared through their SHA-256 digests with a constant-time comparison, so the time
 * taken says nothing about how much of a token was right. Keys come from the command line
 * (`--api-key USER:TOKEN`) or, better, from a file of `USER:SHA256-HEX-OF-TOKEN` lines
 * (`--api-keys-file`), re-read on demand (SIGHUP).
 *
 * User names from every source pass the one check of names.ts (configured names: in the server's
 * configuration check; file, token and certificate names: here, in jwt.ts and in the mTLS front).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { KmipError } from "../kmip/error.ts";
import { equalBytes } from "../crypto/bytes.ts";
import { userNameProblem } from "./names.ts";
import { createJwtVerifier, type JwtProvider, type JwtVerifier } from "./jwt.ts";

/** `Authorization: Bearer <token>` authenticates as `user`. */
export interface ApiKey {
  user: string;
  token: string;
}

export interface IdentityConfig {
  defaultUsername: string;
  apiKeys: ApiKey[];
  /** A file of `USER:SHA256-HEX-OF-TOKEN` lines (`#` starts a comment). */
  apiKeysFile?: string;
  jwtProviders: JwtProvider[];
  /** TLS client certificates are requested and verified. */
  clientCertificates: boolean;
}

export interface CallerInfo {
  authorization: string | null;
  /** Subject CN of a verified TLS client certificate. */
  certificateCn?: string;
}

const digest = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());

type KeyEntry = { user: string; digest: Uint8Array };

/** Parses an API keys file; throws an Error naming the first bad line. */
export function parseApiKeysFile(text: string, file = "the API keys file"): KeyEntry[] {
  const out: KeyEntry[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(.+):([0-9a-fA-F]{64})$/.exec(line);
    if (!m) throw new Error(`${file} line ${i + 1}: expected USER:SHA256-HEX-OF-TOKEN (64 hex digits)`);
    const problem = userNameProblem(m[1]);
    if (problem || m[1] !== m[1].trim())
      throw new Error(`${file} line ${i + 1}: ${problem ?? "a user name cannot start or end with spaces"}`);
    out.push({ user: m[1], digest: new Uint8Array(Buffer.from(m[2], "hex")) });
  }
  return out;
}

export class Authenticator {
  private readonly fixedKeys: KeyEntry[];
  private keys: KeyEntry[];
  private readonly jwt?: JwtVerifier;

  constructor(private readonly config: IdentityConfig) {
    this.fixedKeys = config.apiKeys.map((k) => ({ user: k.user, digest: digest(k.token) }));
    this.keys = this.fixedKeys;
    if (config.apiKeysFile) this.reloadApiKeys();
    if (config.jwtProviders.length) this.jwt = createJwtVerifier(config.jwtProviders);
  }

  /**
   * Re-reads the API keys file (SIGHUP). On error the keys in use stay and the error is thrown.
   * Returns how many keys the file holds.
   */
  reloadApiKeys(): number {
    if (!this.config.apiKeysFile) return 0;
    let text: string;
    try {
      text = readFileSync(this.config.apiKeysFile, "utf8");
    } catch (e) {
      throw new Error(`cannot read the API keys file ${this.config.apiKeysFile}: ${(e as Error).message}`);
    }
    const fromFile = parseApiKeysFile(text, this.config.apiKeysFile);
    this.keys = [...this.fixedKeys, ...fromFile];
    return fromFile.length;
  }

  get enabled(): boolean {
    return this.keys.length > 0 || !!this.config.apiKeysFile || !!this.jwt || this.config.clientCertificates;
  }

  async authenticate(caller: CallerInfo): Promise<string> {
    if (!this.enabled) return this.config.defaultUsername;
    if (caller.certificateCn) return caller.certificateCn;
    const header = caller.authorization;
    if (!header) throw unauthenticated("No authentication provided.");
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) throw unauthenticated("the Authorization header must be a Bearer token");
    const token = match[1];
    const keys = this.keys;
    if (keys.length) {
      const d = digest(token);
      let user: string | undefined;
      for (const k of keys) if (equalBytes(k.digest, d)) user = k.user; // no early exit
      if (user) return user;
    }
    if (this.jwt && token.split(".").length === 3) return this.jwt.verify(token);
    throw unauthenticated("invalid credentials");
  }
}

export function unauthenticated(message: string): KmipError {
  return new KmipError("Authentication_Not_Successful", message, "unauthenticated");
}
