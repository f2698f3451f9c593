/**
 * What both capacity baselines (the raw `ws` server and the bare-Colyseus floor) share with the
 * lobby: the access-token check (jsonwebtoken, HS256, the server's secret, issuer and audience,
 * the key object built once) and the first messages of a join, captured from the lobby by the
 * benchmark (types and payloads; `welcome` carries the joining account, same sizes).
 */
import crypto from "node:crypto";
import jwt from "jsonwebtoken";

export interface FirstMessage {
  type: string;
  payload: unknown;
}

export interface BaselineEnv {
  verify(token: string | undefined | null): { accountId: string; sessionId: string } | undefined;
  /** The messages a join sends, for this account. */
  firstMessages(accountId: string): FirstMessage[];
}

export function baselineEnv(env: NodeJS.ProcessEnv): BaselineEnv {
  const secret = env.JWT_SECRET;
  if (!secret || !env.JWT_ISSUER || !env.JWT_AUDIENCE) throw new Error("JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE are required");
  const key = crypto.createSecretKey(Buffer.from(secret, "utf8"));
  const options: jwt.VerifyOptions = { algorithms: ["HS256"], issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE };
  const template = JSON.parse(env.CAPACITY_FIRST_MESSAGES ?? "[]") as FirstMessage[];
  return {
    verify(token) {
      if (!token) return undefined;
      try {
        const claims = jwt.verify(token, key, options) as jwt.JwtPayload;
        if (claims.typ !== "access" || typeof claims.sub !== "string" || typeof claims.sid !== "string") return undefined;
        return { accountId: claims.sub, sessionId: claims.sid };
      } catch {
        return undefined;
      }
    },
    firstMessages(accountId) {
      return template.map((m) => {
        if (m.type !== "welcome") return m;
        const w = m.payload as { account: { id: string; username: string } };
        return { type: m.type, payload: { ...w, account: { ...w.account, id: accountId }, serverTime: Date.now() } };
      });
    },
  };
}

/** What the lobby answers to a message type it does not know (server/realtime/message-router.ts). */
export const unknownMessageReply = (type: string | number) => ({ code: "unknown_message", message: "Unknown message type.", type: String(type).slice(0, 64) });
