import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { z } from "zod";
import type { Clock } from "../../lib/clock";
import { newId } from "../../lib/ids";

export const OPERATOR_TOKEN_ALGORITHM = "HS256" as const;
export const OPERATOR_TOKEN_TYPE = "operator" as const;

export interface OperatorTokenConfig {
  secret: string;
  issuer: string;
  /** Never the players' audience: each side refuses the other's tokens. */
  audience: string;
  ttlSeconds: number;
}

const ClaimsSchema = z.object({
  sub: z.uuid(),
  typ: z.literal(OPERATOR_TOKEN_TYPE),
  exp: z.number().int(),
  iat: z.number().int(),
  /** The account's operator token version at issue: a ban, a disable or a demotion to player increments it. */
  ver: z.number().int().nonnegative(),
});

/**
 * Operator access tokens: a separate audience and `typ`, algorithm pinned on verify. The role is
 * not trusted from the token: every request re-reads the account, so a demotion applies at once,
 * and compares the token's `ver` with the account's, so a ban, a disable or a demotion to player
 * revokes it for good.
 */
export class OperatorTokens {
  /**
   * The HMAC key, built once: given a string, jsonwebtoken builds a key object on every call (it
   * first tries, and fails, to read the string as a PEM public key), most of a verify's cost.
   */
  private readonly key: crypto.KeyObject;

  constructor(
    private readonly config: OperatorTokenConfig,
    private readonly clock: Clock,
  ) {
    this.key = crypto.createSecretKey(Buffer.from(config.secret, "utf8"));
  }

  get ttlSeconds(): number {
    return this.config.ttlSeconds;
  }

  sign(accountId: string, version: number): string {
    const iat = Math.floor(this.clock.now() / 1000);
    return jwt.sign({ sub: accountId, typ: OPERATOR_TOKEN_TYPE, ver: version, iat, exp: iat + this.config.ttlSeconds }, this.key, {
      algorithm: OPERATOR_TOKEN_ALGORITHM,
      issuer: this.config.issuer,
      audience: this.config.audience,
      jwtid: newId(),
    });
  }

  verify(token: string): { accountId: string; version: number } | "expired" | "invalid" {
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: [OPERATOR_TOKEN_ALGORITHM],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      });
    } catch (err) {
      return err instanceof jwt.TokenExpiredError ? "expired" : "invalid";
    }
    const claims = ClaimsSchema.safeParse(payload);
    return claims.success ? { accountId: claims.data.sub, version: claims.data.ver } : "invalid";
  }
}
