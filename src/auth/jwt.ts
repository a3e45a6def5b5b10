/**
 * JWT bearer tokens from OIDC issuers (jose): signature against the issuer's JWKS, issuer,
 * audience (any of the configured ones), expiry (required).
 *
 * The user is the `email` claim (as Cosmian), or `sub` when there is no email or when the token says
 * `email_verified: false` (an address the issuer has not checked is not an identity: anyone could
 * register an account with someone else's address). A name that is not a valid user (empty, `*`,
 * control characters) is refused.
 *
 * Configuration rules (checked at start): an audience is required, since without one a token the
 * issuer minted for ANY other application would be accepted here, unless both the issuer and the
 * JWKS are on loopback (a local test issuer); the JWKS must be fetched over https, unless it is on
 * loopback.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { KmipError } from "../kmip/error.ts";
import { isLoopbackHost } from "./loopback.ts";
import { userNameProblem } from "./names.ts";

/** An OIDC issuer whose tokens we accept (JWKS default: `<issuer>/.well-known/jwks.json`). */
export interface JwtProvider {
  issuer: string;
  jwksUri?: string;
  audience?: string[];
}

export interface JwtVerifier {
  verify(token: string): Promise<string>;
}

const jwksUriOf = (p: JwtProvider) => p.jwksUri ?? `${p.issuer.replace(/\/$/, "")}/.well-known/jwks.json`;

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** Why this provider configuration is refused, or undefined. */
export function jwtProviderProblem(p: JwtProvider): string | undefined {
  const jwks = jwksUriOf(p);
  let url: URL;
  try {
    url = new URL(jwks);
  } catch {
    return `the JWKS URI ${JSON.stringify(jwks)} of issuer ${p.issuer} is not a URL`;
  }
  const jwksLocal = isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && jwksLocal)) {
    return `the JWKS of issuer ${p.issuer} must be fetched over https (got ${url.protocol}//${url.host}); plain http is allowed on loopback only`;
  }
  const issuerHost = hostOf(p.issuer);
  if (!p.audience?.length && !(jwksLocal && issuerHost !== undefined && isLoopbackHost(issuerHost))) {
    return `the JWT provider ${p.issuer} needs an audience (ISSUER,JWKS_URI,AUDIENCE): without one, tokens the issuer minted for any other application would be accepted`;
  }
  return undefined;
}

/** `email_verified` false (a boolean, or the string "false" some issuers send). */
const unverified = (v: unknown) => v === false || v === "false";

export function createJwtVerifier(providers: JwtProvider[]): JwtVerifier {
  for (const p of providers) {
    const problem = jwtProviderProblem(p);
    if (problem) throw new Error(problem);
  }
  const sets = providers.map((p) => ({
    provider: p,
    keys: createRemoteJWKSet(new URL(jwksUriOf(p))) as JWTVerifyGetKey,
  }));
  return {
    async verify(token: string): Promise<string> {
      let last = "invalid token";
      for (const { provider, keys } of sets) {
        try {
          const { payload } = await jwtVerify(token, keys, {
            issuer: provider.issuer,
            audience: provider.audience,
            requiredClaims: ["exp"], // as Cosmian (jsonwebtoken's default): no token valid forever
            algorithms: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"],
          });
          const email =
            typeof payload.email === "string" && !unverified(payload.email_verified) ? payload.email : undefined;
          const user = email ?? (typeof payload.sub === "string" ? payload.sub : undefined);
          if (user === undefined) throw new Error("the token has neither a (verified) email nor a sub claim");
          const problem = userNameProblem(user);
          if (problem) throw new Error(`the token's user ${JSON.stringify(user.slice(0, 64))} is refused: ${problem}`);
          return user;
        } catch (e) {
          last = (e as Error).message;
        }
      }
      throw new KmipError("Authentication_Not_Successful", `invalid JWT: ${last}`, "unauthenticated");
    },
  };
}
