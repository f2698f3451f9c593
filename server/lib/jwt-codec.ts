import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { z } from "zod";
import type { Clock } from "./clock";
import { newId } from "./ids";

/** The only algorithm signed and accepted: a token with any other `alg` (`none` too) is invalid. */
export const JWT_ALGORITHM = "HS256" as const;

export interface JwtCodecConfig {
  secret: string;
  issuer: string;
  /** Each kind of token has its own: each side refuses the other's tokens. */
  audience: string;
  ttlSeconds: number;
}

export type JwtFailure = "expired" | "invalid";

/** The claims every token carries besides its own (iss, aud and jti are checked or set by jsonwebtoken). */
const Registered = z.object({ typ: z.string(), exp: z.number().int(), iat: z.number().int() });

/**
 * Signs and verifies one kind of HMAC JWT: the algorithm pinned on verify; iss, aud, exp, iat and
 * `typ` (this kind's) required; the rest of the payload checked against the kind's own schema.
 * Expired tokens are told apart from every other refusal.
 */
export class JwtCodec<C extends object> {
  /**
   * The HMAC key, built once: given a string, jsonwebtoken builds a key object on every call (it
   * first tries, and fails, to read the string as a PEM public key), most of a verify's cost.
   */
  private readonly key: crypto.KeyObject;

  constructor(
    private readonly config: JwtCodecConfig,
    /** The `typ` claim of this kind of token. */
    private readonly type: string,
    /** This kind's own claims (`sub` and the like). */
    private readonly claims: z.ZodType<C>,
    private readonly clock: Clock,
  ) {
    this.key = crypto.createSecretKey(Buffer.from(config.secret, "utf8"));
  }

  get ttlSeconds(): number {
    return this.config.ttlSeconds;
  }

  sign(claims: C): string {
    const iat = Math.floor(this.clock.now() / 1000);
    return jwt.sign({ ...claims, typ: this.type, iat, exp: iat + this.config.ttlSeconds }, this.key, {
      algorithm: JWT_ALGORITHM,
      issuer: this.config.issuer,
      audience: this.config.audience,
      jwtid: newId(),
    });
  }

  /** The token's own claims and its expiry (epoch ms), or why it is refused. */
  verify(token: string): { claims: C; expiresAt: number } | JwtFailure {
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: [JWT_ALGORITHM],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      });
    } catch (err) {
      return err instanceof jwt.TokenExpiredError ? "expired" : "invalid";
    }
    const registered = Registered.safeParse(payload);
    if (!registered.success || registered.data.typ !== this.type) return "invalid";
    const claims = this.claims.safeParse(payload);
    return claims.success ? { claims: claims.data, expiresAt: registered.data.exp * 1000 } : "invalid";
  }
}
