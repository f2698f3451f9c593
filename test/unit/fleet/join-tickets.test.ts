import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import jwt from "jsonwebtoken";
import { ManualClock } from "../../../server/lib/clock";
import { JoinTicketSigner, verifyJoinTicket, type JoinTicketClaims } from "../../../server/modules/fleet/join-tickets";
import { TicketKeyRing, ticketKeyProblem } from "../../../server/modules/fleet/ticket-keys";
import { JwksResponseSchema } from "../../../shared/schemas/fleet";

// Join tickets: ES256 JWTs a dedicated game server verifies offline with the published keys.
const ISSUER = "lobby-test";
const newPem = (curve = "P-256") => crypto.generateKeyPairSync("ec", { namedCurve: curve }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));
const claims: JoinTicketClaims = { accountId: crypto.randomUUID(), displayName: "Zoé", matchId: crypto.randomUUID(), team: 1, serverId: "gs-eu-1" };
const expected = (over: Partial<{ serverId: string; issuer: string; nowMs: number }> = {}) => ({ issuer: ISSUER, serverId: "gs-eu-1", nowMs: clock.now(), ...over });

describe("a ticket", () => {
  const ring = TicketKeyRing.fromPems([newPem()]);
  const signer = new JoinTicketSigner(ring, clock, { issuer: ISSUER, ttlSeconds: 60 });

  test("verifies with the published keys alone and names the player, match, team and server; each has its own id", () => {
    const jwks = JwksResponseSchema.parse(JSON.parse(JSON.stringify(signer.jwks())));
    expect(jwks.keys).toHaveLength(1);
    expect(JSON.stringify(jwks)).not.toMatch(/"d"/); // no private part
    const token = signer.sign(claims);
    expect(jwt.decode(token, { complete: true })?.header).toEqual({ alg: "ES256", typ: "JWT", kid: jwks.keys[0]!.kid });
    const out = verifyJoinTicket(token, jwks, expected());
    expect(out).toEqual({ ...claims, ticketId: expect.any(String), expiresAt: clock.now() + 60_000 });
    const again = verifyJoinTicket(signer.sign(claims), jwks, expected());
    expect(typeof again === "object" && typeof out === "object" && again.ticketId !== out.ticketId).toBe(true);
  });

  test("is refused by another server, another issuer, after its expiry, and when tampered with", () => {
    const token = signer.sign(claims);
    const jwks = signer.jwks();
    expect(verifyJoinTicket(token, jwks, expected({ serverId: "gs-eu-2" }))).toBe("invalid");
    expect(verifyJoinTicket(token, jwks, expected({ issuer: "someone-else" }))).toBe("invalid");
    expect(verifyJoinTicket(token, jwks, expected({ nowMs: clock.now() + 59_000 }))).toMatchObject({ accountId: claims.accountId });
    expect(verifyJoinTicket(token, jwks, expected({ nowMs: clock.now() + 60_000 }))).toBe("expired");
    const [h, p, s] = token.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, team: 0 })).toString("base64url")}.${s}`;
    expect(verifyJoinTicket(forged, jwks, expected())).toBe("invalid");
    expect(verifyJoinTicket("not.a.ticket", jwks, expected())).toBe("invalid");
  });

  test("signed by any other key, with HS256 over the public key, or with alg none, is refused", () => {
    const jwks = signer.jwks();
    const kid = jwks.keys[0]!.kid;
    const payload = { typ: "join", sub: claims.accountId, mid: claims.matchId, team: 0, name: "x", jti: "j", iss: ISSUER, aud: "game-server:gs-eu-1", exp: Math.floor(clock.now() / 1000) + 60 };
    const stranger = jwt.sign(payload, crypto.createPrivateKey(newPem()), { algorithm: "ES256", keyid: kid });
    expect(verifyJoinTicket(stranger, jwks, expected())).toBe("invalid");
    const publicPem = crypto.createPublicKey({ key: { ...jwks.keys[0]! }, format: "jwk" }).export({ format: "pem", type: "spki" }).toString();
    const confused = `${b64({ alg: "HS256", typ: "JWT", kid })}.${b64(payload)}.${crypto.createHmac("sha256", publicPem).update(`${b64({ alg: "HS256", typ: "JWT", kid })}.${b64(payload)}`).digest("base64url")}`;
    expect(verifyJoinTicket(confused, jwks, expected())).toBe("invalid");
    expect(verifyJoinTicket(`${b64({ alg: "none", kid })}.${b64(payload)}.`, jwks, expected())).toBe("invalid");
    expect(verifyJoinTicket(jwt.sign(payload, crypto.createPrivateKey(newPem()), { algorithm: "ES256", keyid: "unknown" }), jwks, expected())).toBe("unknown_key");
  });
});

test("rotation: a new key published behind the current one signs nothing; once first it signs, and the old key's tickets still verify while it is published", () => {
  const [oldPem, newKeyPem] = [newPem(), newPem()];
  const before = new JoinTicketSigner(TicketKeyRing.fromPems([oldPem]), clock, { issuer: ISSUER, ttlSeconds: 60 });
  const staged = new JoinTicketSigner(TicketKeyRing.fromPems([oldPem, newKeyPem]), clock, { issuer: ISSUER, ttlSeconds: 60 });
  const rotated = new JoinTicketSigner(TicketKeyRing.fromPems([newKeyPem, oldPem]), clock, { issuer: ISSUER, ttlSeconds: 60 });
  const done = new JoinTicketSigner(TicketKeyRing.fromPems([newKeyPem]), clock, { issuer: ISSUER, ttlSeconds: 60 });
  const kidOf = (t: string) => jwt.decode(t, { complete: true })?.header.kid;
  expect(kidOf(staged.sign(claims))).toBe(kidOf(before.sign(claims)));
  const oldTicket = before.sign(claims);
  const newTicket = rotated.sign(claims);
  expect(kidOf(newTicket)).not.toBe(kidOf(oldTicket));
  for (const t of [oldTicket, newTicket]) expect(verifyJoinTicket(t, rotated.jwks(), expected())).toMatchObject({ matchId: claims.matchId });
  expect(verifyJoinTicket(oldTicket, done.jwks(), expected())).toBe("unknown_key");
  expect(verifyJoinTicket(newTicket, done.jwks(), expected())).toMatchObject({ matchId: claims.matchId });
  // The key id is the JWK thumbprint: the same key has the same id wherever it is loaded.
  expect(TicketKeyRing.fromPems([newKeyPem]).signing.kid).toBe(done.jwks().keys[0]!.kid);
});

test("keys: only EC P-256 private keys; the development key is made once and kept in the data directory", () => {
  expect(ticketKeyProblem(newPem())).toBeUndefined();
  expect(ticketKeyProblem(newPem("P-384"))).toMatch(/P-256/);
  expect(ticketKeyProblem(crypto.generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString())).toMatch(/P-256/);
  expect(ticketKeyProblem("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")).toMatch(/not a PEM private key/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ticket-keys-"));
  try {
    const first = TicketKeyRing.development(dir);
    expect(TicketKeyRing.development(dir).signing.kid).toBe(first.signing.kid);
    expect(fs.statSync(path.join(dir, "join-ticket-key.pem")).mode & 0o777).toBe(0o600);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString("base64url");
}
