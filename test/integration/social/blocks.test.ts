import { failure } from "../../helpers/http";
import {
  A_BLOCKED,
  BOTH_BLOCKED,
  B_BLOCKED,
  FRIENDS,
  NONE,
  RECEIVED,
  SENT,
  newPlayer,
  startSocialServer,
  storedPair,
  type Player,
  type SocialTestServer,
} from "../../helpers/social";

let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer();
});
afterAll(() => t.close());

const pair = async () => [await newPlayer(t.api), await newPlayer(t.api)] as const;
const listed = async (p: Player) => (await t.social.friends(p)).items.map((i) => i.account.id);
const blockedBy = async (p: Player) => (await t.social.blocks(p)).items.map((i) => i.account.id);

describe("blocking ends every relationship of the pair", () => {
  test("a friendship: both edges go, only the blocker's BLOCKED edge stays; neither lists the other as a friend", async () => {
    const [a, b] = await pair();
    await t.social.befriend(a, b);
    expect(await storedPair(t.db.url, a, b)).toEqual(FRIENDS);
    expect((await t.social.block(a, b.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, b)).toEqual(A_BLOCKED);
    expect(await listed(a)).toEqual([]);
    expect(await listed(b)).toEqual([]);
    expect(await blockedBy(a)).toEqual([b.id]);
    expect(await blockedBy(b)).toEqual([]);
  });

  test("a request the blocker sent, and a request the blocker received", async () => {
    const [a, b] = await pair();
    await t.social.request(a, b.username);
    expect(await storedPair(t.db.url, a, b)).toEqual(SENT);
    await t.social.block(a, b.id);
    expect(await storedPair(t.db.url, a, b)).toEqual(A_BLOCKED);

    const [c, d] = await pair();
    await t.social.request(d, c.username);
    expect(await storedPair(t.db.url, c, d)).toEqual(RECEIVED);
    await t.social.block(c, d.id);
    expect(await storedPair(t.db.url, c, d)).toEqual(A_BLOCKED);
    expect(await listed(c)).toEqual([]);
    expect(await listed(d)).toEqual([]);
  });

  test("blocking only touches that pair: the blocker's other friends and requests stay", async () => {
    const [a, b] = await pair();
    const [c, d] = await pair();
    await t.social.befriend(a, c);
    await t.social.request(a, d.username);
    await t.social.befriend(a, b);
    await t.social.block(a, b.id);
    expect(await storedPair(t.db.url, a, c)).toEqual(FRIENDS);
    expect(await storedPair(t.db.url, a, d)).toEqual(SENT);
  });
});

describe("a block survives everything the other side does", () => {
  test("remove, request, cancel, decline, accept, their own block and unblock: A's BLOCKED edge stays", async () => {
    const [a, b] = await pair();
    await t.social.befriend(a, b);
    await t.social.block(a, b.id);

    expect((await t.social.remove(b, a.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, b)).toEqual(A_BLOCKED);
    expect(failure(await t.social.request(b, a.username))).toEqual([403, "friend_request_not_allowed"]);
    expect(await storedPair(t.db.url, a, b)).toEqual(A_BLOCKED);
    expect((await t.social.cancel(b, a.id)).status).toBe(204);
    expect((await t.social.decline(b, a.id)).status).toBe(204);
    expect(failure(await t.social.accept(b, a.id))).toEqual([404, "friend_request_not_found"]);
    expect(await storedPair(t.db.url, a, b)).toEqual(A_BLOCKED);

    expect((await t.social.block(b, a.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, b)).toEqual(BOTH_BLOCKED);
    expect((await t.social.unblock(b, a.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, b)).toEqual(A_BLOCKED);

    // Still refused after all that.
    expect(failure(await t.social.request(b, a.username))).toEqual([403, "friend_request_not_allowed"]);
    expect(await blockedBy(a)).toEqual([b.id]);
  });
});

describe("unblocking", () => {
  test("lifts only your own side: their block of you stays and still refuses your requests", async () => {
    const [a, b] = await pair();
    await t.social.block(a, b.id);
    await t.social.block(b, a.id);
    expect(await storedPair(t.db.url, a, b)).toEqual(BOTH_BLOCKED);

    expect((await t.social.unblock(a, b.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, b)).toEqual(B_BLOCKED);
    expect(await blockedBy(a)).toEqual([]);
    expect(await blockedBy(b)).toEqual([a.id]);
    expect(failure(await t.social.request(a, b.username))).toEqual([403, "friend_request_not_allowed"]);
    expect(failure(await t.social.request(b, a.username))).toEqual([409, "player_blocked"]);

    expect((await t.social.unblock(b, a.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, b)).toEqual(NONE);
    expect((await t.social.request(a, b.username)).status).toBe(200);
    expect(await storedPair(t.db.url, a, b)).toEqual(SENT);
  });

  test("does not bring back the friendship the block ended", async () => {
    const [a, b] = await pair();
    await t.social.befriend(a, b);
    await t.social.block(a, b.id);
    await t.social.unblock(a, b.id);
    expect(await storedPair(t.db.url, a, b)).toEqual(NONE);
    expect(await listed(a)).toEqual([]);
    expect(await listed(b)).toEqual([]);
  });

  test("repeated unblock is 204 and changes nothing", async () => {
    const [a, b] = await pair();
    await t.social.block(b, a.id);
    for (let i = 0; i < 2; i++) expect((await t.social.unblock(a, b.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, b)).toEqual(B_BLOCKED);
  });
});

describe("POST /blocks and GET /blocks", () => {
  test("GET /blocks lists the caller's blocks with the time; blocking again keeps the original time", async () => {
    const [a, b] = await pair();
    await t.social.block(a, b.id);
    const first = await t.social.blocks(a);
    expect(first.items).toEqual([{ account: { id: b.id, username: b.username, displayName: b.username }, since: expect.any(String) }]);
    expect(first.nextCursor).toBeUndefined();
    await t.social.block(a, b.id);
    expect((await t.social.blocks(a)).items).toEqual(first.items);
  });

  test("a malformed body: 400 invalid_request naming the field", async () => {
    const a = await newPlayer(t.api);
    for (const [json, path] of [
      [{}, "accountId"],
      [{ accountId: "nope" }, "accountId"],
      [{ accountId: 7 }, "accountId"],
      [{ username: a.username }, "username"],
      [{ accountId: a.id, reason: "spam" }, "reason"],
    ] as const) {
      const res = await t.api.post("/blocks", json, { token: a.token });
      expect([json, ...failure(res)]).toEqual([json, 400, "invalid_request"]);
      expect((res.body as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toContain(path);
    }
  });
});
