import { z } from "zod";
import type { Clock } from "../../lib/clock";
import { JwtCodec, type JwtCodecConfig, type JwtFailure } from "../../lib/jwt-codec";

export const OPERATOR_TOKEN_TYPE = "operator" as const;

/** `audience` is never the players': each side refuses the other's tokens. */
export type OperatorTokenConfig = JwtCodecConfig;

const ClaimsSchema = z.object({
  sub: z.uuid(),
  /** The account's operator token version at issue: a ban, a disable or a demotion to player increments it. */
  ver: z.number().int().nonnegative(),
});

/**
 * Operator access tokens: a separate audience and `typ`. The role is not trusted from the token:
 * every request re-reads the account, so a demotion applies at once, and compares the token's
 * `ver` with the account's, so a ban, a disable or a demotion to player revokes it for good.
 */
export class OperatorTokens {
  private readonly codec: JwtCodec<z.infer<typeof ClaimsSchema>>;

  constructor(config: OperatorTokenConfig, clock: Clock) {
    this.codec = new JwtCodec(config, OPERATOR_TOKEN_TYPE, ClaimsSchema, clock);
  }

  get ttlSeconds(): number {
    return this.codec.ttlSeconds;
  }

  sign(accountId: string, version: number): string {
    return this.codec.sign({ sub: accountId, ver: version });
  }

  verify(token: string): { accountId: string; version: number } | JwtFailure {
    const out = this.codec.verify(token);
    return typeof out === "string" ? out : { accountId: out.claims.sub, version: out.claims.ver };
  }
}
