/**
 * Who is calling. Methods are tried in order: TLS client certificate, then bearer token (API key,
 * then JWT). With no method configured, every caller is the default user. With any configured and
 * none succeeding: 401.
 *
 * API keys are compared through their SHA-256 digests with a constant-time comparison, so the time
 * taken says nothing about how much of a token was right.
 */
import { createHash } from "node:crypto";
import { KmipError } from "../kmip/error.ts";
import { equalBytes } from "../crypto/bytes.ts";
import { createJwtVerifier, type JwtProvider, type JwtVerifier } from "./jwt.ts";

/** `Authorization: Bearer <token>` authenticates as `user`. */
export interface ApiKey {
  user: string;
  token: string;
}

export interface IdentityConfig {
  defaultUsername: string;
  apiKeys: ApiKey[];
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

export class Authenticator {
  private readonly keys: { user: string; digest: Uint8Array }[];
  private readonly jwt?: JwtVerifier;

  constructor(private readonly config: IdentityConfig) {
    this.keys = config.apiKeys.map((k) => ({ user: k.user, digest: digest(k.token) }));
    if (config.jwtProviders.length) this.jwt = createJwtVerifier(config.jwtProviders);
  }

  get enabled(): boolean {
    return this.keys.length > 0 || !!this.jwt || this.config.clientCertificates;
  }

  async authenticate(caller: CallerInfo): Promise<string> {
    if (!this.enabled) return this.config.defaultUsername;
    if (caller.certificateCn) return caller.certificateCn;
    const header = caller.authorization;
    if (!header) throw unauthenticated("No authentication provided.");
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) throw unauthenticated("the Authorization header must be a Bearer token");
    const token = match[1];
    if (this.keys.length) {
      const d = digest(token);
      let user: string | undefined;
      for (const k of this.keys) if (equalBytes(k.digest, d)) user = k.user; // no early exit
      if (user) return user;
    }
    if (this.jwt && token.split(".").length === 3) return this.jwt.verify(token);
    throw unauthenticated("invalid credentials");
  }
}

export function unauthenticated(message: string): KmipError {
  return new KmipError("Authentication_Not_Successful", message, "unauthenticated");
}
