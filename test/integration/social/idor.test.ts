import { LobbyClientMessage } from "../../../shared/schemas/lobby";
import { failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import {
  A_BLOCKED,
  FRIENDS,
  NONE,
  SENT,
  goOnline,
  newPlayer,
  newPlayers,
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

const trio = () => newPlayers(t.api, 3) as Promise<[Player, Player, Player]>;

describe("a player only changes their own edges", () => {
  test("B cannot accept a request A sent to C; C still can", async () => {
    const [a, b, c] = await trio();
    await t.social.request(a, c.username);
    expect(failure(await t.social.accept(b, a.id))).toEqual([404, "friend_request_not_found"]);
    expect(await storedPair(t.db.url, a, c)).toEqual(SENT);
    expect(await storedPair(t.db.url, a, b)).toEqual(NONE);
    expect((await t.social.accept(c, a.id)).status).toBe(200);
    expect(await storedPair(t.db.url, a, c)).toEqual(FRIENDS);
  });

  test("B cannot decline it, cancel it, or end A and C's friendship or block", async () => {
    const [a, b, c] = await trio();
    await t.social.request(a, c.username);
    expect((await t.social.decline(b, a.id)).status).toBe(204);
    expect((await t.social.cancel(b, c.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, c)).toEqual(SENT);

    await t.social.accept(c, a.id);
    expect((await t.social.remove(b, a.id)).status).toBe(204);
    expect((await t.social.remove(b, c.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, c)).toEqual(FRIENDS);

    await t.social.block(a, c.id);
    expect((await t.social.unblock(b, c.id)).status).toBe(204);
    expect((await t.social.unblock(b, a.id)).status).toBe(204);
    expect(await storedPair(t.db.url, a, c)).toEqual(A_BLOCKED);
    expect(await storedPair(t.db.url, a, b)).toEqual(NONE);
    expect(await storedPair(t.db.url, b, c)).toEqual(NONE);
  });

  test("no field of a body or query names the acting player: the token does", async () => {
    const [a, b, c] = await trio();
    const asA = { accountId: a.id, from: a.id, actorId: a.id };
    for (const extra of Object.entries(asA)) {
      const res = await t.api.post("/friends/requests", { username: c.username, [extra[0]]: extra[1] }, { token: b.token });
      expect(failure(res)).toEqual([400, "invalid_request"]);
    }
    expect((await t.api.post(`/blocks?accountId=${a.id}`, { accountId: c.id }, { token: b.token })).status).toBe(204);
    expect(await storedPair(t.db.url, b, c)).toEqual(A_BLOCKED);
    expect(await storedPair(t.db.url, a, c)).toEqual(NONE);
  });
});

describe("a player only reads their own edges", () => {
  test("GET /friends and GET /blocks list exactly the caller's stored edges, for everyone in a small graph", async () => {
    const people = await newPlayers(t.api, 5);
    const [a, b, c, d, e] = people as [Player, Player, Player, Player, Player];
    await t.social.befriend(a, b);
    await t.social.befriend(b, c);
    await t.social.request(c, d.username);
    await t.social.request(d, a.username);
    await t.social.block(e, a.id);
    await t.social.block(b, d.id);
    await t.social.request(e, c.username);

    const STATE: Record<string, string> = { FRIEND: "friend", INVITE_RECEIVED: "incoming", INVITE_SENT: "outgoing" };
    for (const p of people) {
      const own = await sql<{ other: string; state: string }>(
        t.db.url,
        "SELECT other_id::text AS other, state::text AS state FROM friend_edges WHERE account_id = $1",
        [p.id],
      );
      const friends = (await t.social.friends(p, "?limit=100")).items.map((i) => `${i.account.id}:${i.state}`).sort();
      expect([p.username, friends]).toEqual([
        p.username,
        own.filter((r) => r.state !== "BLOCKED").map((r) => `${r.other}:${STATE[r.state]}`).sort(),
      ]);
      const blocks = (await t.social.blocks(p, "?limit=100")).items.map((i) => i.account.id).sort();
      expect([p.username, blocks]).toEqual([p.username, own.filter((r) => r.state === "BLOCKED").map((r) => r.other).sort()]);
    }
    // The blocked players cannot tell: A's and D's lists do not mention who blocked them.
    expect((await t.social.friends(a)).items.map((i) => i.account.id)).not.toContain(e.id);
    expect((await t.social.friends(d)).items.map((i) => i.account.id)).not.toContain(b.id);
  });

  test("a query naming another account changes nothing: GET /friends is always the caller's", async () => {
    const [a, b, c] = await trio();
    await t.social.befriend(a, c);
    for (const q of [`?accountId=${a.id}`, `?account=${a.id}`, `?userId=${a.id}`]) {
      expect((await t.social.friends(b, q)).items).toEqual([]);
    }
    expect(failure(await t.api.get(`/friends/${a.id}`, { token: b.token }))).toEqual([404, "not_found"]);
  });

  test("another player's cursor pages the caller's own list, never theirs", async () => {
    const [a, b] = [await newPlayer(t.api), await newPlayer(t.api)];
    const aFriends = await newPlayers(t.api, 3);
    for (const f of aFriends) await t.social.befriend(a, f);
    const bFriend = await newPlayer(t.api);
    await t.social.befriend(b, bFriend);
    const aCursor = (await t.social.friends(a, "?limit=1")).nextCursor!;
    const seenByB = await t.api.get(`/friends?cursor=${aCursor}`, { token: b.token });
    expect(seenByB.status).toBe(200);
    for (const item of (seenByB.body as { items: { account: { id: string } }[] }).items) expect(item.account.id).toBe(bFriend.id);
  });
});

describe("presence over HTTP is only for friends", () => {
  test("pending requests, strangers, blocked and ex-friends who are online never show presence or appear", async () => {
    const owner = await newPlayer(t.api);
    const [friend, asking, asked, stranger, iBlocked, blockedMe, exFriend] = await newPlayers(t.api, 7);
    await t.social.befriend(owner, friend!);
    await t.social.request(asking!, owner.username);
    await t.social.request(owner, asked!.username);
    await t.social.befriend(owner, iBlocked!);
    await t.social.block(owner, iBlocked!.id);
    await t.social.befriend(owner, blockedMe!);
    await t.social.block(blockedMe!, owner.id);
    await t.social.befriend(owner, exFriend!);
    await t.social.remove(exFriend!, owner.id);

    const online = [];
    for (const p of [friend, asking, asked, stranger, iBlocked, blockedMe, exFriend]) online.push(await goOnline(t, p!));
    try {
      const { items } = await t.social.friends(owner, "?limit=100");
      expect(items.map((i) => [i.account.id, i.state, i.presence?.status]).sort()).toEqual(
        [
          [friend!.id, "friend", "online"],
          [asking!.id, "incoming", undefined],
          [asked!.id, "outgoing", undefined],
        ].sort(),
      );
      // Nor do they learn the owner's presence the other way round.
      for (const p of [asking, asked]) {
        const theirs = (await t.social.friends(p!)).items;
        expect(theirs.map((i) => [i.account.id, "presence" in i])).toEqual([[owner.id, false]]);
      }
      for (const p of [stranger, iBlocked, blockedMe, exFriend]) expect((await t.social.friends(p!)).items).toEqual([]);
    } finally {
      await Promise.all(online.map((s) => s.room.leave()));
    }
  });

  test("an invisible friend is offline over HTTP, with no activity or text", async () => {
    const [owner, ghost] = [await newPlayer(t.api), await newPlayer(t.api)];
    await t.social.befriend(owner, ghost);
    const session = await goOnline(t, ghost);
    try {
      await session.room.request(LobbyClientMessage.PresenceSet, { status: "busy", text: "raiding" });
      expect((await t.social.friends(owner)).items[0]?.presence).toEqual({ status: "busy", activity: { kind: "lobby" }, text: "raiding" });
      await session.room.request(LobbyClientMessage.PresenceSet, { status: "invisible" });
      const presence = (await t.social.friends(owner)).items[0]?.presence;
      expect(presence?.status).toBe("offline");
      expect(Object.keys(presence ?? {}).filter((k) => k !== "status" && k !== "lastSeenAt")).toEqual([]);
    } finally {
      await session.room.leave();
    }
  });
});
