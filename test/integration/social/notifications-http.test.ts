import { ManualClock } from "../../../server/lib/clock";
import type { Notification } from "../../../shared/schemas/notifications";
import { failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import {
  expectStatus,
  newPlayer,
  newPlayers,
  startSocialServer,
  tamperedCursors,
  walkPages,
  type Player,
  type SocialTestServer,
} from "../../helpers/social";

const clock = new ManualClock(Date.UTC(2026, 4, 1, 8));
let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer({}, { clock });
});
afterAll(() => t.close());

const at = () => new Date(clock.now()).toISOString();
const kinds = (items: Notification[]) => items.map((n) => `${n.type}:${n.actor?.username}`);
const markRead = (p: Player, body: unknown) => t.api.post("/notifications/read", body, { token: p.token });

describe("social actions store notifications for the other player", () => {
  test("friend_request, friend_accepted and friend_removed, each to the right player, with actor and time", async () => {
    const [a, b] = await newPlayers(t.api, 2) as [Player, Player];
    clock.advance(1000);
    await t.social.request(a, b.username);
    const requestedAt = at();
    expect(await t.social.notifications(b)).toEqual({
      items: [{ id: expect.any(String), type: "friend_request", actor: { id: a.id, username: a.username, displayName: a.username }, createdAt: requestedAt, read: false }],
      unreadCount: 1,
    });
    expect(await t.social.notifications(a)).toEqual({ items: [], unreadCount: 0 });

    clock.advance(1000);
    await t.social.accept(b, a.id);
    expect(await t.social.notifications(a)).toEqual({
      items: [{ id: expect.any(String), type: "friend_accepted", actor: { id: b.id, username: b.username, displayName: b.username }, createdAt: at(), read: false }],
      unreadCount: 1,
    });

    clock.advance(1000);
    await t.social.remove(a, b.id);
    const bList = await t.social.notifications(b);
    expect(kinds(bList.items)).toEqual([`friend_removed:${a.username}`, `friend_request:${a.username}`]);
    expect(bList.items[0]!.createdAt).toBe(at());
    expect(bList.unreadCount).toBe(2);
    expect(kinds((await t.social.notifications(a)).items)).toEqual([`friend_accepted:${b.username}`]);
  });

  test("asking back someone who asked you notifies them of the acceptance", async () => {
    const [a, b] = await newPlayers(t.api, 2) as [Player, Player];
    await t.social.request(a, b.username);
    await t.social.request(b, a.username);
    expect(kinds((await t.social.notifications(a)).items)).toEqual([`friend_accepted:${b.username}`]);
    expect(kinds((await t.social.notifications(b)).items)).toEqual([`friend_request:${a.username}`]);
  });

  test("repeats, declines and cancels notify nobody", async () => {
    const [a, b, c] = await newPlayers(t.api, 3) as [Player, Player, Player];
    await t.social.request(a, b.username);
    await t.social.request(a, b.username);
    await t.social.decline(b, a.id);
    await t.social.request(a, c.username);
    await t.social.cancel(a, c.id);
    expect((await t.social.notifications(a)).items).toEqual([]);
    expect(kinds((await t.social.notifications(b)).items)).toEqual([`friend_request:${a.username}`]);
    expect(kinds((await t.social.notifications(c)).items)).toEqual([`friend_request:${a.username}`]);
  });
});

describe("a blocked player's actions notify the blocker of nothing", () => {
  test("whatever the blocked player tries, the blocker's notifications do not change", async () => {
    const [blocker, blocked] = await newPlayers(t.api, 2) as [Player, Player];
    await t.social.befriend(blocker, blocked);
    const before = await t.social.notifications(blocker);
    clock.advance(1000);
    await t.social.block(blocker, blocked.id);
    // To the blocked player the block looks like a removal.
    expect(kinds((await t.social.notifications(blocked)).items)[0]).toBe(`friend_removed:${blocker.username}`);

    await t.social.request(blocked, blocker.username);
    await t.social.accept(blocked, blocker.id);
    await t.social.remove(blocked, blocker.id);
    await t.social.decline(blocked, blocker.id);
    await t.social.cancel(blocked, blocker.id);
    await t.social.block(blocked, blocker.id);
    await t.social.unblock(blocked, blocker.id);
    await t.social.request(blocked, blocker.username);
    expect(await t.social.notifications(blocker)).toEqual(before);
  });

  test("blocking a pending request notifies neither side", async () => {
    const [a, b] = await newPlayers(t.api, 2) as [Player, Player];
    await t.social.request(b, a.username);
    await t.social.block(a, b.id);
    expect(kinds((await t.social.notifications(a)).items)).toEqual([`friend_request:${b.username}`]);
    expect((await t.social.notifications(b)).items).toEqual([]);
  });
});

describe("GET /notifications: order and paging", () => {
  let r: Player;
  let senders: Player[];
  beforeAll(async () => {
    r = await newPlayer(t.api);
    senders = await newPlayers(t.api, 7);
    for (const s of senders) {
      clock.advance(1000);
      expectStatus(await t.social.request(s, r.username), 200);
    }
  });

  test("newest first, every one once across pages, the unread count on every page", async () => {
    const pages = await walkPages((cursor) => t.social.notifications(r, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`));
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.unreadCount)).toEqual([7, 7, 7]);
    expect(pages.flatMap((p) => p.items.map((n) => n.actor?.id))).toEqual(senders.map((s) => s.id).reverse());
    const times = pages.flatMap((p) => p.items.map((n) => n.createdAt));
    expect([...times].sort().reverse()).toEqual(times);
  });

  test("several at the same instant still page without gaps or repeats", async () => {
    const p = await newPlayer(t.api);
    const same = await newPlayers(t.api, 5);
    await Promise.all(same.map((s) => t.social.request(s, p.username)));
    const pages = await walkPages((cursor) => t.social.notifications(p, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`));
    const ids = pages.flatMap((pg) => pg.items.map((n) => n.actor!.id));
    expect(ids).toHaveLength(5);
    expect([...ids].sort()).toEqual(same.map((s) => s.id).sort());
  });

  test("unread=true lists only unread ones, and pages within that filter", async () => {
    const p = await newPlayer(t.api);
    const from = await newPlayers(t.api, 6);
    for (const s of from) {
      clock.advance(1000);
      await t.social.request(s, p.username);
    }
    const all = (await t.social.notifications(p)).items;
    const readIds = [all[0]!.id, all[2]!.id, all[4]!.id];
    expect((await markRead(p, { ids: readIds })).body).toEqual({ updated: 3 });

    const unreadPages = await walkPages((cursor) => t.social.notifications(p, `?unread=true&limit=2${cursor ? `&cursor=${cursor}` : ""}`));
    expect(unreadPages.flatMap((pg) => pg.items.map((n) => n.id))).toEqual([all[1]!.id, all[3]!.id, all[5]!.id]);
    expect(unreadPages.every((pg) => pg.items.every((n) => !n.read) && pg.unreadCount === 3)).toBe(true);
    const everything = await t.social.notifications(p, "?unread=false");
    expect(everything.items.map((n) => [n.id, n.read])).toEqual(all.map((n, k) => [n.id, k % 2 === 0]));
  });

  test("bad limits, filters and cursors: 400", async () => {
    for (const q of ["limit=0", "limit=101", "limit=x", "unread=yes", "unread=1"]) {
      expect([q, ...failure(await t.api.get(`/notifications?${q}`, { token: r.token }))]).toEqual([q, 400, "invalid_request"]);
    }
    const cursor = (await t.social.notifications(r, "?limit=1")).nextCursor!;
    for (const [how, bad] of Object.entries(tamperedCursors(cursor))) {
      const res = await t.api.get(`/notifications?cursor=${encodeURIComponent(bad)}`, { token: r.token });
      expect([how, ...failure(res)]).toEqual([how, 400, "invalid_cursor"]);
    }
    // A cursor of the unread list is not one of the full list, and the other way round.
    const unreadCursor = (await t.social.notifications(r, "?unread=true&limit=1")).nextCursor!;
    expect(failure(await t.api.get(`/notifications?cursor=${unreadCursor}`, { token: r.token }))).toEqual([400, "invalid_cursor"]);
    expect(failure(await t.api.get(`/notifications?unread=true&cursor=${cursor}`, { token: r.token }))).toEqual([400, "invalid_cursor"]);
  });
});

describe("POST /notifications/read", () => {
  test("marks only the caller's own ids: another player's id changes nothing", async () => {
    const [a, b, c] = await newPlayers(t.api, 3) as [Player, Player, Player];
    await t.social.request(a, b.username);
    await t.social.request(a, c.username);
    const [bn] = (await t.social.notifications(b)).items;
    const [cn] = (await t.social.notifications(c)).items;

    expect((await markRead(b, { ids: [cn!.id] })).body).toEqual({ updated: 0 });
    expect((await t.social.notifications(c)).items[0]!.read).toBe(false);
    const [stored] = await sql<{ read_at: Date | null }>(t.db.url, "SELECT read_at FROM notifications WHERE id = $1", [cn!.id]);
    expect(stored!.read_at).toBeNull();

    clock.advance(1000);
    expect((await markRead(b, { ids: [bn!.id, cn!.id] })).body).toEqual({ updated: 1 });
    const bList = await t.social.notifications(b);
    expect([bList.items[0]!.read, bList.unreadCount]).toEqual([true, 0]);
    const [readRow] = await sql<{ read_at: Date }>(t.db.url, "SELECT read_at FROM notifications WHERE id = $1", [bn!.id]);
    expect(readRow!.read_at.toISOString()).toBe(at());
    // Already read: nothing more to do.
    expect((await markRead(b, { ids: [bn!.id] })).body).toEqual({ updated: 0 });
    expect((await t.social.notifications(c)).unreadCount).toBe(1);
  });

  test("{all: true} marks every unread one of the caller, and no one else's", async () => {
    const [p, other] = await newPlayers(t.api, 2) as [Player, Player];
    const from = await newPlayers(t.api, 4);
    for (const s of from) {
      await t.social.request(s, p.username);
      await t.social.request(s, other.username);
    }
    expect((await markRead(p, { all: true })).body).toEqual({ updated: 4 });
    expect((await t.social.notifications(p)).unreadCount).toBe(0);
    expect((await t.social.notifications(p, "?unread=true")).items).toEqual([]);
    expect((await t.social.notifications(other)).unreadCount).toBe(4);
    expect((await markRead(p, { all: true })).body).toEqual({ updated: 0 });
    // Later ones arrive unread.
    await t.social.request(await newPlayer(t.api), p.username);
    expect((await t.social.notifications(p)).unreadCount).toBe(1);
  });

  test("a malformed body: 400 invalid_request", async () => {
    const p = await newPlayer(t.api);
    const ids = Array.from({ length: 101 }, (_, k) => `0190b3c4-0000-7000-8000-${String(k).padStart(12, "0")}`);
    for (const body of [{}, { ids: [] }, { ids: ["nope"] }, { all: false }, { all: "true" }, { ids: [ids[0]], all: true }, { ids }, []]) {
      expect([body, ...failure(await markRead(p, body))]).toEqual([body, 400, "invalid_request"]);
    }
  });
});
