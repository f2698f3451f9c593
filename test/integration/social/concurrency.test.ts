import { failure } from "../../helpers/http";
import {
  A_BLOCKED,
  BOTH_BLOCKED,
  B_BLOCKED,
  CONSISTENT_PAIRS,
  FRIENDS,
  NONE,
  SENT,
  halfEdges,
  newPlayer,
  newPlayers,
  startSocialServer,
  storedPair,
  type SocialTestServer,
} from "../../helpers/social";

let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer();
});
afterAll(() => t.close());
afterEach(async () => {
  // Whatever raced, no pair is ever left half-written.
  expect(await halfEdges(t.db.url)).toEqual([]);
});

const ROUNDS = 20;
const pair = async () => [await newPlayer(t.api), await newPlayer(t.api)] as const;

describe("two players asking each other at the same moment", () => {
  test(`always end up friends, never a 500 (${ROUNDS} fresh pairs)`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await pair();
      const [ra, rb] = await Promise.all([t.social.request(a, b.username), t.social.request(b, a.username)]);
      expect([i, ra.status, rb.status]).toEqual([i, 200, 200]);
      // One of them sent the request, the other's accepted it.
      const states = [(ra.body as { state: string }).state, (rb.body as { state: string }).state].sort();
      expect([i, states]).toEqual([i, ["friend", "outgoing"]]);
      expect([i, await storedPair(t.db.url, a, b)]).toEqual([i, FRIENDS]);
      // Exactly one request and one acceptance were notified, to the right players.
      const [na, nb] = [(await t.social.notifications(a)).items, (await t.social.notifications(b)).items];
      const types = [...na, ...nb].map((n) => n.type).sort();
      expect([i, types]).toEqual([i, ["friend_accepted", "friend_request"]]);
    }
  });

  test(`all ${ROUNDS} pairs at once: still friends, never a 500`, async () => {
    const pairs = await Promise.all(Array.from({ length: ROUNDS }, () => pair()));
    const answers = await Promise.all(pairs.flatMap(([a, b]) => [t.social.request(a, b.username), t.social.request(b, a.username)]));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    for (const [a, b] of pairs) expect(await storedPair(t.db.url, a, b)).toEqual(FRIENDS);
  });
});

describe("the same request or accept sent several times at once", () => {
  test("stores one request and one notification; accepting several times at once notifies once", async () => {
    for (let i = 0; i < 5; i++) {
      const [a, b] = await pair();
      const sent = await Promise.all(Array.from({ length: 5 }, () => t.social.request(a, b.username)));
      expect(sent.map((r) => [r.status, (r.body as { state: string }).state])).toEqual(sent.map(() => [200, "outgoing"]));
      expect(await storedPair(t.db.url, a, b)).toEqual(SENT);
      expect((await t.social.notifications(b)).items.map((n) => n.type)).toEqual(["friend_request"]);

      const accepted = await Promise.all(Array.from({ length: 5 }, () => t.social.accept(b, a.id)));
      expect(accepted.map((r) => r.status)).toEqual(accepted.map(() => 200));
      expect(await storedPair(t.db.url, a, b)).toEqual(FRIENDS);
      expect((await t.social.notifications(a)).items.map((n) => n.type)).toEqual(["friend_accepted"]);
    }
  });
});

describe("other races leave a consistent pair", () => {
  test("accept racing cancel: either friends (accept won) or nothing (cancel won), and the answers agree", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await pair();
      await t.social.request(a, b.username);
      const [cancel, accept] = await Promise.all([t.social.cancel(a, b.id), t.social.accept(b, a.id)]);
      expect(cancel.status).toBe(204);
      const after = await storedPair(t.db.url, a, b);
      if (accept.status === 200) {
        expect(after).toEqual(FRIENDS);
      } else {
        expect(failure(accept)).toEqual([404, "friend_request_not_found"]);
        expect(after).toEqual(NONE);
      }
    }
  });

  test("decline racing cancel: nothing left, both 204", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await pair();
      await t.social.request(a, b.username);
      const answers = await Promise.all([t.social.cancel(a, b.id), t.social.decline(b, a.id)]);
      expect(answers.map((r) => r.status)).toEqual([204, 204]);
      expect(await storedPair(t.db.url, a, b)).toEqual(NONE);
    }
  });

  test("block racing a request from the blocked player: the block always stands", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await pair();
      const [block, request] = await Promise.all([t.social.block(a, b.id), t.social.request(b, a.username)]);
      expect(block.status).toBe(204);
      if (request.status !== 200) expect(failure(request)).toEqual([403, "friend_request_not_allowed"]);
      expect(await storedPair(t.db.url, a, b)).toEqual(A_BLOCKED);
    }
  });

  test("block racing accept: the block always stands and the friendship never survives it", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await pair();
      await t.social.request(a, b.username);
      const [block, accept] = await Promise.all([t.social.block(a, b.id), t.social.accept(b, a.id)]);
      expect(block.status).toBe(204);
      if (accept.status !== 200) expect(failure(accept)).toEqual([404, "friend_request_not_found"]);
      expect(await storedPair(t.db.url, a, b)).toEqual(A_BLOCKED);
    }
  });

  test("both blocking each other at once: both blocks stand", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await pair();
      await t.social.befriend(a, b);
      const answers = await Promise.all([t.social.block(a, b.id), t.social.block(b, a.id)]);
      expect(answers.map((r) => r.status)).toEqual([204, 204]);
      expect(await storedPair(t.db.url, a, b)).toEqual(BOTH_BLOCKED);
    }
  });

  test("unblock racing the other side's block: only the other side's block remains", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await pair();
      await t.social.block(a, b.id);
      await Promise.all([t.social.unblock(a, b.id), t.social.block(b, a.id)]);
      expect(await storedPair(t.db.url, a, b)).toEqual(B_BLOCKED);
    }
  });

  test("a burst of every operation on one pair from both sides ends in a consistent pair, never a 500", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await pair();
      const ops = [
        t.social.request(a, b.username),
        t.social.request(b, a.username),
        t.social.accept(a, b.id),
        t.social.accept(b, a.id),
        t.social.cancel(a, b.id),
        t.social.decline(b, a.id),
        t.social.remove(a, b.id),
        i % 2 ? t.social.block(b, a.id) : t.social.unblock(b, a.id),
      ];
      const statuses = (await Promise.all(ops)).map((r) => r.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(CONSISTENT_PAIRS).toContainEqual(await storedPair(t.db.url, a, b));
    }
  });

  test("requests around a cycle of players sharing accounts never deadlock", async () => {
    for (let i = 0; i < 5; i++) {
      const ring = await newPlayers(t.api, 6);
      const answers = await Promise.all(
        ring.flatMap((p, k) => {
          const next = ring[(k + 1) % ring.length]!;
          const prev = ring[(k + ring.length - 1) % ring.length]!;
          return [t.social.request(p, next.username), t.social.request(p, prev.username)];
        }),
      );
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
      for (let k = 0; k < ring.length; k++) {
        expect(await storedPair(t.db.url, ring[k]!, ring[(k + 1) % ring.length]!)).toEqual(FRIENDS);
      }
    }
  });

  test("many players asking one at once: every request is stored", async () => {
    const target = await newPlayer(t.api);
    const fans = await newPlayers(t.api, 25);
    const answers = await Promise.all(fans.map((f) => t.social.request(f, target.username)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    for (const f of fans) expect(await storedPair(t.db.url, f, target)).toEqual(SENT);
    expect((await t.social.friends(target, "?state=incoming&limit=100")).items).toHaveLength(25);
  });
});
