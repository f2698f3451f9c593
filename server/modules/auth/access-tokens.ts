import { z } from "zod";
import type { Clock } from "../../lib/clock";
import { JwtCodec, type JwtCodecConfig, type JwtFailure } from "../../lib/jwt-codec";

export const ACCESS_TOKEN_TYPE = "access" as const;

export type AccessTokenConfig = JwtCodecConfig;

export interface AccessClaims {
  accountId: string;
  sessionId: string;
  expiresAt: number;
}

const ClaimsSchema = z.object({ sub: z.uuid(), sid: z.uuid() });

export type AccessTokenFailure = JwtFailure;

/**
 * Short-lived JWTs for players (typ "access", the players' audience), so refresh tokens, unsigned
 * tokens and tokens for other audiences are refused.
 */
export class AccessTokens {
  private readonly codec: JwtCodec<z.infer<typeof ClaimsSchema>>;

  constructor(config: AccessTokenConfig, clock: Clock) {
    this.codec = new JwtCodec(config, ACCESS_TOKEN_TYPE, ClaimsSchema, clock);
  }

  get ttlSeconds(): number {
    return this.codec.ttlSeconds;
  }

  sign(accountId: string, sessionId: string): string {
    return this.codec.sign({ sub: accountId, sid: sessionId });
  }

  verify(token: string): AccessClaims | AccessTokenFailure {
    const out = this.codec.verify(token);
    if (typeof out === "string") return out;
    return { accountId: out.claims.sub, sessionId: out.claims.sid, expiresAt: out.expiresAt };
  }
}
