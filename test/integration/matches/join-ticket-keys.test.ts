import crypto from "node:crypto";
import type { JwksResponse } from "../../../shared/schemas/fleet";
import { JwksResponseSchema } from "../../../shared/schemas/fleet";
import { verifyJoinTicket } from "../../../server/modules/fleet/join-tickets";
import { request } from "../../helpers/http";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// GET /.well-known/jwks.json: the keys a game server needs to verify the tickets this lobby signs.
const ISSUER = "lobby-ticket-test";
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ JWT_ISSUER: ISSUER });
});
afterAll(() => t.close());

test("the published keys verify a ticket the lobby signed, with no secret of the lobby's", async () => {
  const res = await request(t.url, "GET", "/.well-known/jwks.json");
  expect(res.status).toBe(200);
  expect(res.headers["cache-control"]).toBe("public, max-age=300");
  const jwks: JwksResponse = JwksResponseSchema.strict().parse(res.body);
  expect(jwks.keys).toHaveLength(1);
  const signer = t.server.services.joinTickets!;
  const claims = { accountId: crypto.randomUUID(), displayName: "Player One", matchId: crypto.randomUUID(), team: 0, serverId: "gs-1" };
  const out = verifyJoinTicket(signer.sign(claims), jwks, { issuer: ISSUER, serverId: "gs-1", nowMs: Date.now() });
  expect(out).toMatchObject(claims);
});
