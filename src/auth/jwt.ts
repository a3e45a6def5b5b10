/**
 * JWT bearer tokens from OIDC issuers (jose): signature against the issuer's JWKS, issuer,
 * audience (any of the configured ones), expiry (required). The user is the `email` claim (as Cosmian), or
 * `sub` when there is no email.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
/** An OIDC issuer whose tokens we accept (JWKS default: `<issuer>/.well-known/jwks.json`). */
export interface JwtProvider {
  issuer: string;
  jwksUri?: string;
  audience?: string[];
}
import { KmipError } from "../kmip/error.ts";

export interface JwtVerifier {
  verify(token: string): Promise<string>;
}

export function createJwtVerifier(providers: JwtProvider[]): JwtVerifier {
  const sets = providers.map((p) => ({
    provider: p,
    keys: createRemoteJWKSet(new URL(p.jwksUri ?? `${p.issuer.replace(/\/$/, "")}/.well-known/jwks.json`)) as JWTVerifyGetKey,
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
          const user = typeof payload.email === "string" ? payload.email : typeof payload.sub === "string" ? payload.sub : undefined;
          if (!user) throw new Error("the token has neither an email nor a sub claim");
          return user;
        } catch (e) {
          last = (e as Error).message;
        }
      }
      throw new KmipError("Authentication_Not_Successful", `invalid JWT: ${last}`, "unauthenticated");
    },
  };
}
