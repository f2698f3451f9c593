import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { z } from "zod";
import type { Clock } from "../../lib/clock";
import { newId } from "../../lib/ids";

export const ACCESS_TOKEN_ALGORITHM = "HS256" as const;
export const ACCESS_TOKEN_TYPE = "access" as const;

export interface AccessTokenConfig {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessClaims {
  accountId: string;
  sessionId: string;
  expiresAt: number;
}

const ClaimsSchema = z.object({
  sub: z.uuid(),
  sid: z.uuid(),
  typ: z.literal(ACCESS_TOKEN_TYPE),
  exp: z.number().int(),
  iat: z.number().int(),
});

export type AccessTokenFailure = "expired" | "invalid";

/**
 * Short-lived JWTs for players. The algorithm is pinned on verify and exp, iss, aud and typ are
 * required, so refresh tokens, unsigned tokens and tokens for other audiences are refused.
 */
export class AccessTokens {
  /**
   * The HMAC key, built once: given a string, jsonwebtoken builds a key object on every call (it
   * first tries, and fails, to read the string as a PEM public key), most of a verify's cost.
   */
  private readonly key: crypto.KeyObject;

  constructor(
    private readonly config: AccessTokenConfig,
    private readonly clock: Clock,
  ) {
    this.key = crypto.createSecretKey(Buffer.from(config.secret, "utf8"));
  }

  get ttlSeconds(): number {
    return this.config.ttlSeconds;
  }

  sign(accountId: string, sessionId: string): string {
    const iat = Math.floor(this.clock.now() / 1000);
    return jwt.sign(
      { sub: accountId, sid: sessionId, typ: ACCESS_TOKEN_TYPE, iat, exp: iat + this.config.ttlSeconds },
      this.key,
      { algorithm: ACCESS_TOKEN_ALGORITHM, issuer: this.config.issuer, audience: this.config.audience, jwtid: newId() },
    );
  }

  verify(token: string): AccessClaims | AccessTokenFailure {
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      });
    } catch (err) {
      return err instanceof jwt.TokenExpiredError ? "expired" : "invalid";
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) return "invalid";
    return { accountId: claims.data.sub, sessionId: claims.data.sid, expiresAt: claims.data.exp * 1000 };
  }
}
