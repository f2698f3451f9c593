import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { z } from "zod";
import type { Clock } from "../../lib/clock";
import { newId } from "../../lib/ids";
import type { PublicJwk, TicketKeyRing } from "./ticket-keys";

/** The one algorithm join tickets are signed and verified with (ECDSA P-256, SHA-256). */
export const JOIN_TICKET_ALGORITHM = "ES256" as const;
const TYPE = "join";

/** Join tickets name the game server they are for: no other server accepts them. */
export const gameServerAudience = (serverId: string): string => `game-server:${serverId}`;

export interface JoinTicketClaims {
  accountId: string;
  /** Shown to the other players on the game server. */
  displayName: string;
  matchId: string;
  team: number;
  serverId: string;
}

export interface VerifiedJoinTicket extends JoinTicketClaims {
  /** Unique per ticket: a game server keeps the ids it accepted until `expiresAt` (single use). */
  ticketId: string;
  /** Epoch ms. */
  expiresAt: number;
}

const Payload = z.object({
  typ: z.literal(TYPE),
  sub: z.uuid(),
  mid: z.uuid(),
  team: z.number().int().min(0),
  name: z.string(),
  jti: z.string().min(1),
  exp: z.number().int(),
});

/**
 * Signs the short-lived ticket each player of a match allocated to a dedicated game server
 * presents to it. Signed with the ring's current private key (`kid` in the header); a game server
 * verifies it offline with the public keys of GET /.well-known/jwks.json.
 */
export class JoinTicketSigner {
  constructor(
    private readonly keys: TicketKeyRing,
    private readonly clock: Clock,
    private readonly o: { issuer: string; ttlSeconds: number },
  ) {}

  get ttlSeconds(): number {
    return this.o.ttlSeconds;
  }

  sign(c: JoinTicketClaims): string {
    const key = this.keys.signing;
    const iat = Math.floor(this.clock.now() / 1000);
    return jwt.sign({ typ: TYPE, sub: c.accountId, mid: c.matchId, team: c.team, name: c.displayName, iat, exp: iat + this.o.ttlSeconds }, key.privateKey, {
      algorithm: JOIN_TICKET_ALGORITHM,
      keyid: key.kid,
      issuer: this.o.issuer,
      audience: gameServerAudience(c.serverId),
      jwtid: newId(),
    });
  }

  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks();
  }
}

export type JoinTicketFailure = "expired" | "invalid" | "unknown_key";

/**
 * What a game server does with a ticket (the reference game server uses this; any JWT library
 * with ES256 does the same): the key by `kid` from the JWKS, ES256 only, this server's audience,
 * the lobby's issuer, not expired. Single use is the game server's to keep (by `ticketId`).
 */
export function verifyJoinTicket(
  token: string,
  jwks: { keys: readonly PublicJwk[] },
  expected: { issuer: string; serverId: string; nowMs: number },
): VerifiedJoinTicket | JoinTicketFailure {
  const header = jwt.decode(token, { complete: true })?.header;
  const jwk = header?.kid === undefined ? undefined : jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return header ? "unknown_key" : "invalid";
  let payload: unknown;
  try {
    payload = jwt.verify(token, crypto.createPublicKey({ key: { ...jwk }, format: "jwk" }), {
      algorithms: [JOIN_TICKET_ALGORITHM],
      issuer: expected.issuer,
      audience: gameServerAudience(expected.serverId),
      clockTimestamp: Math.floor(expected.nowMs / 1000),
    });
  } catch (err) {
    return err instanceof jwt.TokenExpiredError ? "expired" : "invalid";
  }
  const p = Payload.safeParse(payload);
  if (!p.success) return "invalid";
  return { accountId: p.data.sub, displayName: p.data.name, matchId: p.data.mid, team: p.data.team, serverId: expected.serverId, ticketId: p.data.jti, expiresAt: p.data.exp * 1000 };
}
