import crypto from "node:crypto";
import { ManualClock } from "../../../server/lib/clock";
import type { FriendEntry } from "../../../shared/schemas/social";
import { errorBody, failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import {
  expectStatus,
  goOnline,
  newPlayer,
  tamperedCursors,
  walkPages,
  type Player,
  type SocialTestServer,
  startSocialServer,
} from "../../helpers/social";

const clock = new ManualClock(Date.UTC(2026, 3, 1, 9));
let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer({}, { clock });
});
afterAll(() => t.close());

/** Letters and digits only, same length, mixed case: their order is the same in any collation. */
const names = (n: number): string[] => {
  const tag = crypto.randomBytes(3).toString("hex");
  return Array.from({ length: n }, (_, i) => {
    const base = `q${tag}${String((i * 7) % n).padStart(3, "0")}`;
    return i % 3 === 0 ? base.toUpperCase() : base;
  });
};
const byKey = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1);
const summary = (items: FriendEntry[]) => items.map((i) => `${i.account.username}:${i.state}`);

/** An owner with `friends` friends, `incoming` requests in and `outgoing` requests out. */
async function ownerWith(counts: { friends: number; incoming: number; outgoing: number }) {
  const owner = await newPlayer(t.api);
  const total = counts.friends + counts.incoming + counts.outgoing;
  const others: Player[] = [];
  for (const name of names(total)) others.push(await newPlayer(t.api, { username: name }));
  const expected: string[] = [];
  for (const [k, p] of others.entries()) {
    if (k < counts.friends) {
      await t.social.befriend(p, owner);
      expected.push(`${p.username}:friend`);
    } else if (k < counts.friends + counts.incoming) {
      expectStatus(await t.social.request(p, owner.username), 200);
      expected.push(`${p.username}:incoming`);
    } else {
      expectStatus(await t.social.request(owner, p.username), 200);
      expected.push(`${p.username}:outgoing`);
    }
  }
  expected.sort(byKey);
  return { owner, others, expected };
}

describe("GET /friends: items", () => {
  test("friends, incoming and outgoing requests, ordered by username case-insensitively, with `since`", async () => {
    const { owner, others, expected } = await ownerWith({ friends: 2, incoming: 2, outgoing: 2 });
    const list = await t.social.friends(owner);
    expect(summary(list.items)).toEqual(expected);
    expect(list.nextCursor).toBeUndefined();
    for (const item of list.items) {
      expect(others.map((o) => o.id)).toContain(item.account.id);
      expect(new Date(item.since).getTime()).toBe(clock.now());
    }
  });

  test("the `state` filter returns only that state", async () => {
    const { owner, expected } = await ownerWith({ friends: 3, incoming: 2, outgoing: 1 });
    for (const state of ["friend", "incoming", "outgoing"]) {
      const list = await t.social.friends(owner, `?state=${state}`);
      expect([state, summary(list.items)]).toEqual([state, expected.filter((e) => e.endsWith(`:${state}`))]);
    }
  });

  test("presence only on friends: online when connected, offline with lastSeenAt when known, bare offline otherwise", async () => {
    const owner = await newPlayer(t.api);
    const [online, seen, never, asking, asked] = [
      await newPlayer(t.api, { username: `a${crypto.randomBytes(4).toString("hex")}` }),
      await newPlayer(t.api, { username: `b${crypto.randomBytes(4).toString("hex")}` }),
      await newPlayer(t.api, { username: `c${crypto.randomBytes(4).toString("hex")}` }),
      await newPlayer(t.api, { username: `d${crypto.randomBytes(4).toString("hex")}` }),
      await newPlayer(t.api, { username: `e${crypto.randomBytes(4).toString("hex")}` }),
    ];
    for (const f of [online, seen, never]) await t.social.befriend(owner, f);
    await t.social.request(asking, owner.username);
    await t.social.request(owner, asked.username);
    const lastSeen = new Date(Date.UTC(2026, 2, 31, 23, 59, 59, 123));
    await sql(t.db.url, "UPDATE accounts SET last_seen_at = $2 WHERE id = $1", [seen.id, lastSeen]);
    // The pending players are online too: that must not show.
    const sessions = [await goOnline(t, online), await goOnline(t, asking), await goOnline(t, asked)];
    try {
      const { items } = await t.social.friends(owner);
      const presenceOf = Object.fromEntries(items.map((i) => [i.account.username, i.presence]));
      expect(presenceOf).toEqual({
        [online.username]: { status: "online", activity: { kind: "lobby" } },
        [seen.username]: { status: "offline", lastSeenAt: lastSeen.toISOString() },
        [never.username]: { status: "offline" },
        [asking.username]: undefined,
        [asked.username]: undefined,
      });
      for (const i of items) if (i.state !== "friend") expect(Object.keys(i)).not.toContain("presence");
    } finally {
      await Promise.all(sessions.map((s) => s.room.leave()));
    }
  });
});

describe("GET /friends: keyset pagination", () => {
  let owner: Player;
  let expected: string[];
  beforeAll(async () => {
    ({ owner, expected } = await ownerWith({ friends: 10, incoming: 8, outgoing: 7 }));
  });

  test.each([1, 2, 7, 24, 25, 100])("limit %i: every entry once, in order, and the last page has no cursor", async (limit) => {
    const pages = await walkPages((cursor) => t.social.friends(owner, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`));
    expect(pages.map((p) => p.items.length)).toEqual(
      Array.from({ length: Math.ceil(25 / limit) }, (_, k) => Math.min(limit, 25 - k * limit)),
    );
    expect(pages.flatMap((p) => summary(p.items))).toEqual(expected);
    expect(pages[pages.length - 1]!.nextCursor).toBeUndefined();
  });

  test("with a state filter, pages stay within that state", async () => {
    const pages = await walkPages((cursor) => t.social.friends(owner, `?state=incoming&limit=3${cursor ? `&cursor=${cursor}` : ""}`));
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 2]);
    expect(pages.flatMap((p) => summary(p.items))).toEqual(expected.filter((e) => e.endsWith(":incoming")));
  });

  test("without a limit, the whole list of 25 fits the default page (50)", async () => {
    expect((await t.social.friends(owner)).items).toHaveLength(25);
  });

  test("an entry removed between pages is skipped, nothing is repeated", async () => {
    const local = await ownerWith({ friends: 6, incoming: 0, outgoing: 0 });
    const first = await t.social.friends(local.owner, "?limit=2");
    const gone = local.others.find((o) => `${o.username}:friend` === local.expected[2])!;
    expectStatus(await t.social.remove(local.owner, gone.id), 204);
    const rest = await walkPages((cursor) => t.social.friends(local.owner, `?limit=2&cursor=${cursor ?? first.nextCursor}`));
    expect([...summary(first.items), ...rest.flatMap((p) => summary(p.items))]).toEqual(local.expected.filter((_, k) => k !== 2));
  });

  test.each(["0", "101", "-1", "1.5", "ten", "", "1e3"])("limit=%s: 400 invalid_request naming limit", async (limit) => {
    const res = await t.api.get(`/friends?limit=${limit}`, { token: owner.token });
    expect(failure(res)).toEqual([400, "invalid_request"]);
    expect((res.body as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual(["limit"]);
  });

  test("an unknown state: 400 invalid_request", async () => {
    for (const state of ["blocked", "FRIEND", "all"]) {
      expect(failure(await t.api.get(`/friends?state=${state}`, { token: owner.token }))).toEqual([400, "invalid_request"]);
    }
  });
});

describe("cursors are signed and bound to their list", () => {
  let owner: Player;
  let friendsCursor: string;
  let incomingCursor: string;
  let blocksCursor: string;
  beforeAll(async () => {
    ({ owner } = await ownerWith({ friends: 3, incoming: 3, outgoing: 0 }));
    for (const name of names(3)) expectStatus(await t.social.block(owner, (await newPlayer(t.api, { username: `z${name}` })).id), 204);
    friendsCursor = (await t.social.friends(owner, "?limit=1")).nextCursor!;
    incomingCursor = (await t.social.friends(owner, "?state=incoming&limit=1")).nextCursor!;
    blocksCursor = (await t.social.blocks(owner, "?limit=1")).nextCursor!;
    expect([friendsCursor, incomingCursor, blocksCursor].every((c) => typeof c === "string")).toBe(true);
  });

  const get = (path: string, cursor: string) =>
    t.api.get(`${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`, { token: owner.token });

  test("a tampered GET /friends cursor: 400 invalid_cursor", async () => {
    for (const [how, cursor] of Object.entries(tamperedCursors(friendsCursor))) {
      expect([how, ...failure(await get("/friends", cursor))]).toEqual([how, 400, "invalid_cursor"]);
    }
  });

  test("a tampered GET /blocks cursor: 400 invalid_cursor", async () => {
    for (const [how, cursor] of Object.entries(tamperedCursors(blocksCursor))) {
      expect([how, ...failure(await get("/blocks", cursor))]).toEqual([how, 400, "invalid_cursor"]);
    }
  });

  test("a cursor of another filter or another list: 400 invalid_cursor", async () => {
    const notificationsCursor = (await t.social.notifications(owner, "?limit=1")).nextCursor!;
    expect(notificationsCursor).toEqual(expect.any(String));
    for (const [path, cursor] of [
      ["/friends", incomingCursor],
      ["/friends?state=friend", incomingCursor],
      ["/friends?state=incoming", friendsCursor],
      ["/friends?state=outgoing", incomingCursor],
      ["/friends", blocksCursor],
      ["/blocks", friendsCursor],
      ["/blocks", incomingCursor],
      ["/friends", notificationsCursor],
      ["/blocks", notificationsCursor],
      ["/notifications", friendsCursor],
      ["/notifications", blocksCursor],
    ] as const) {
      const res = await get(path, cursor);
      expect([path, ...failure(res)]).toEqual([path, 400, "invalid_cursor"]);
      expect([path, errorBody(res).fields?.map((f) => f.path)]).toEqual([path, ["cursor"]]);
    }
    // The genuine ones still work where they belong.
    expect((await get("/friends", friendsCursor)).status).toBe(200);
    expect((await get("/friends?state=incoming", incomingCursor)).status).toBe(200);
    expect((await get("/blocks", blocksCursor)).status).toBe(200);
  });

  test("an empty or oversized cursor: 400", async () => {
    expect((await get("/friends", "")).status).toBe(400);
    expect((await get("/friends", "x".repeat(600))).status).toBe(400);
  });
});

describe("GET /blocks: pagination", () => {
  test("walks every block once, in username order; limit bounds apply", async () => {
    const owner = await newPlayer(t.api);
    const blocked: Player[] = [];
    for (const name of names(12)) blocked.push(await newPlayer(t.api, { username: name }));
    for (const b of blocked) expectStatus(await t.social.block(owner, b.id), 204);
    const pages = await walkPages((cursor) => t.social.blocks(owner, `?limit=5${cursor ? `&cursor=${cursor}` : ""}`));
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 2]);
    expect(pages.flatMap((p) => p.items.map((i) => i.account.username))).toEqual(blocked.map((b) => b.username).sort(byKey));
    for (const limit of ["0", "101", "x"]) {
      expect(failure(await t.api.get(`/blocks?limit=${limit}`, { token: owner.token }))).toEqual([400, "invalid_request"]);
    }
  });
});
