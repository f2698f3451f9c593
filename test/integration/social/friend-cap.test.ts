import { failure } from "../../helpers/http";
import {
  FRIENDS,
  NONE,
  RECEIVED,
  SENT,
  expectStatus,
  newPlayer,
  newPlayers,
  startSocialServer,
  storedPair,
  type Player,
  type SocialTestServer,
} from "../../helpers/social";

// The cap counts friends plus outgoing requests; incoming requests do not count until accepted.
const LIMIT = 3;
let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer({ FRIEND_LIMIT: String(LIMIT) });
});
afterAll(() => t.close());

const LIMIT_REACHED: [number, string] = [409, "friend_limit_reached"];

/** `p` ends with `friends` friends and `outgoing` requests out (fresh players on the other side). */
async function fill(p: Player, friends: number, outgoing: number): Promise<Player[]> {
  const others = await newPlayers(t.api, friends + outgoing);
  for (const [k, o] of others.entries()) {
    if (k < friends) await t.social.befriend(o, p);
    else expectStatus(await t.social.request(p, o.username), 200);
  }
  return others;
}

describe(`FRIEND_LIMIT=${LIMIT}`, () => {
  test("sending a request beyond the cap: 409 friend_limit_reached, nothing stored", async () => {
    const p = await newPlayer(t.api);
    await fill(p, 1, 2);
    const extra = await newPlayer(t.api);
    const res = await t.social.request(p, extra.username);
    expect(failure(res)).toEqual(LIMIT_REACHED);
    expect((res.body as { error: { message: string } }).error.message).toContain(String(LIMIT));
    expect(await storedPair(t.db.url, p, extra)).toEqual(NONE);
  });

  test("accepting beyond the cap: 409, the request stays pending; declining still works", async () => {
    const p = await newPlayer(t.api);
    await fill(p, LIMIT, 0);
    const asker = await newPlayer(t.api);
    // Incoming requests are not limited by the recipient's cap.
    expectStatus(await t.social.request(asker, p.username), 200);
    expect(failure(await t.social.accept(p, asker.id))).toEqual(LIMIT_REACHED);
    expect(await storedPair(t.db.url, p, asker)).toEqual(RECEIVED);
    // Nor by asking back (which would accept it).
    expect(failure(await t.social.request(p, asker.username))).toEqual(LIMIT_REACHED);
    expect(await storedPair(t.db.url, p, asker)).toEqual(RECEIVED);
    expect((await t.social.decline(p, asker.id)).status).toBe(204);
    expect(await storedPair(t.db.url, p, asker)).toEqual(NONE);
  });

  test("the other side's cap: a full player's own request is accepted by someone else without exceeding it", async () => {
    const full = await newPlayer(t.api);
    const [, , pendingTo] = await fill(full, 2, 1);
    // full has 2 friends + 1 request out = 3: their outgoing request already holds its slot.
    expect((await t.social.accept(pendingTo!, full.id)).status).toBe(200);
    expect(await storedPair(t.db.url, full, pendingTo!)).toEqual(FRIENDS);
    expect((await t.social.friends(full, "?state=friend")).items).toHaveLength(LIMIT);
  });

  test("the other side being full does not stop your request, only their accepting it", async () => {
    const full = await newPlayer(t.api);
    await fill(full, LIMIT, 0);
    const p = await newPlayer(t.api);
    expectStatus(await t.social.request(p, full.username), 200);
    expect(await storedPair(t.db.url, p, full)).toEqual(SENT);
    expect(failure(await t.social.accept(full, p.id))).toEqual(LIMIT_REACHED);
    expect(await storedPair(t.db.url, p, full)).toEqual(SENT);
  });

  test("idempotent repeats at the cap are not refused; freeing a slot lets the next one through", async () => {
    const p = await newPlayer(t.api);
    const others = await fill(p, 2, 1);
    // Repeating a pending request or re-asking a friend adds nothing: no refusal.
    expect((await t.social.request(p, others[2]!.username)).status).toBe(200);
    expect((await t.social.request(p, others[0]!.username)).status).toBe(200);
    expect((await t.social.accept(p, others[0]!.id)).status).toBe(200);

    const next = await newPlayer(t.api);
    expect(failure(await t.social.request(p, next.username))).toEqual(LIMIT_REACHED);
    expect((await t.social.cancel(p, others[2]!.id)).status).toBe(204);
    expect((await t.social.request(p, next.username)).status).toBe(200);
    expect(failure(await t.social.request(p, (await newPlayer(t.api)).username))).toEqual(LIMIT_REACHED);
    expect((await t.social.remove(p, others[0]!.id)).status).toBe(204);
    expect((await t.social.request(p, (await newPlayer(t.api)).username)).status).toBe(200);
  });

  test("blocks do not count towards the cap", async () => {
    const p = await newPlayer(t.api);
    for (const b of await newPlayers(t.api, LIMIT + 1)) expect((await t.social.block(p, b.id)).status).toBe(204);
    await fill(p, LIMIT, 0);
    expect((await t.social.friends(p)).items).toHaveLength(LIMIT);
  });

  test("concurrent requests from a player near the cap never exceed it", async () => {
    const p = await newPlayer(t.api);
    await fill(p, 1, 0);
    const targets = await newPlayers(t.api, 6);
    const answers = await Promise.all(targets.map((x) => t.social.request(p, x.username)));
    const ok = answers.filter((r) => r.status === 200).length;
    expect(ok).toBe(LIMIT - 1);
    for (const r of answers) if (r.status !== 200) expect(failure(r)).toEqual(LIMIT_REACHED);
    expect((await t.social.friends(p, "?limit=100")).items).toHaveLength(LIMIT);
  });
});
