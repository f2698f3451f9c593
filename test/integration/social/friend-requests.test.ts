import { ManualClock } from "../../../server/lib/clock";
import { failure } from "../../helpers/http";
import { NONE, RECEIVED, SENT, FRIENDS, newPlayer, startSocialServer, storedPair, storedPairRows, type SocialTestServer } from "../../helpers/social";

const clock = new ManualClock(Date.UTC(2026, 2, 1, 12));
let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer({}, { clock });
});
afterAll(() => t.close());

/** The distinct field paths an error names (one field may fail several rules). */
const fieldsOf = (body: unknown): string[] => [...new Set((body as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path))];

describe("POST /friends/requests", () => {
  test("a new request: 200 {account, state: outgoing}; both directed edges written at the same instant", async () => {
    const [a, b] = [await newPlayer(t.api), await newPlayer(t.api)];
    const res = await t.social.request(a, b.username);
    expect([res.status, res.body]).toEqual([200, { account: { id: b.id, username: b.username, displayName: b.username }, state: "outgoing" }]);
    const [ab, ba] = await storedPairRows(t.db.url, a, b);
    expect([ab?.state, ba?.state]).toEqual(SENT);
    expect(ab!.created_at.getTime()).toBe(clock.now());
    expect(ba!.created_at.getTime()).toBe(clock.now());
    expect(ab!.updated_at.getTime()).toBe(ba!.updated_at.getTime());
  });

  test("the username is matched case-insensitively; the answer names the account as registered", async () => {
    const [a, b] = [await newPlayer(t.api), await newPlayer(t.api, { username: `Mixed_${Date.now() % 100000}` })];
    const res = await t.social.request(a, b.username.toUpperCase());
    expect([res.status, res.body]).toEqual([200, { account: { id: b.id, username: b.username, displayName: b.username }, state: "outgoing" }]);
    expect(await storedPair(t.db.url, a, b)).toEqual(SENT);
  });

  test("a repeated request is idempotent: 200 again, the edges keep their original time", async () => {
    const [a, b] = [await newPlayer(t.api), await newPlayer(t.api)];
    await t.social.request(a, b.username);
    const [first] = await storedPairRows(t.db.url, a, b);
    clock.advance(60_000);
    for (let i = 0; i < 3; i++) {
      const res = await t.social.request(a, b.username);
      expect([res.status, (res.body as { state: string }).state]).toEqual([200, "outgoing"]);
    }
    const [ab, ba] = await storedPairRows(t.db.url, a, b);
    expect([ab?.state, ba?.state]).toEqual(SENT);
    expect(ab!.updated_at.getTime()).toBe(first!.updated_at.getTime());
    const { items } = await t.social.notifications(b);
    expect(items.filter((n) => n.type === "friend_request")).toHaveLength(1);
  });

  test("asking someone who already asked you makes you friends (both edges FRIEND, updated together)", async () => {
    const [a, b] = [await newPlayer(t.api), await newPlayer(t.api)];
    await t.social.request(b, a.username);
    expect(await storedPair(t.db.url, a, b)).toEqual(RECEIVED);
    clock.advance(1000);
    const res = await t.social.request(a, b.username);
    expect([res.status, res.body]).toEqual([200, { account: { id: b.id, username: b.username, displayName: b.username }, state: "friend" }]);
    const [ab, ba] = await storedPairRows(t.db.url, a, b);
    expect([ab?.state, ba?.state]).toEqual(FRIENDS);
    expect(ab!.updated_at.getTime()).toBe(clock.now());
    expect(ba!.updated_at.getTime()).toBe(clock.now());
    // Both see each other as friends.
    expect((await t.social.friends(a)).items.map((i) => [i.account.id, i.state])).toEqual([[b.id, "friend"]]);
    expect((await t.social.friends(b)).items.map((i) => [i.account.id, i.state])).toEqual([[a.id, "friend"]]);
  });

  test("asking a friend again answers state friend and changes nothing", async () => {
    const [a, b] = [await newPlayer(t.api), await newPlayer(t.api)];
    await t.social.befriend(a, b);
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const res = await t.social.request(x, y.username);
      expect([res.status, (res.body as { state: string }).state]).toEqual([200, "friend"]);
    }
    expect(await storedPair(t.db.url, a, b)).toEqual(FRIENDS);
  });

  test("to a player you blocked: 409 player_blocked; to a player who blocked you: 403 friend_request_not_allowed", async () => {
    const [a, b] = [await newPlayer(t.api), await newPlayer(t.api)];
    expect((await t.social.block(a, b.id)).status).toBe(204);
    expect(failure(await t.social.request(a, b.username))).toEqual([409, "player_blocked"]);
    expect(failure(await t.social.request(b, a.username))).toEqual([403, "friend_request_not_allowed"]);
    expect(await storedPair(t.db.url, a, b)).toEqual(["BLOCKED", null]);
    // The blocked player's refusal is the same whether or not they were told anything before.
    const c = await newPlayer(t.api);
    expect((await t.social.block(c, b.id)).status).toBe(204);
    expect(failure(await t.social.request(b, c.username))).toEqual([403, "friend_request_not_allowed"]);
  });

  test("to yourself: 400 cannot_target_self, whatever the case of the name", async () => {
    const a = await newPlayer(t.api);
    for (const name of [a.username, a.username.toUpperCase(), a.username.toLowerCase()]) {
      expect(failure(await t.social.request(a, name))).toEqual([400, "cannot_target_self"]);
    }
    expect(await storedPair(t.db.url, a, a)).toEqual(NONE);
  });

  test("to an unknown username: 404 account_not_found", async () => {
    const a = await newPlayer(t.api);
    expect(failure(await t.social.request(a, "nobody_here_xyz"))).toEqual([404, "account_not_found"]);
  });

  test("a malformed body: 400 invalid_request naming every offending field", async () => {
    const a = await newPlayer(t.api);
    const post = (json: unknown) => t.api.post("/friends/requests", json, { token: a.token });
    for (const [json, fields] of [
      [{}, ["username"]],
      [{ username: "" }, ["username"]],
      [{ username: "ab" }, ["username"]],
      [{ username: "a".repeat(21) }, ["username"]],
      [{ username: "bad name!" }, ["username"]],
      [{ username: 42 }, ["username"]],
      [{ username: "valid_name", accountId: a.id }, ["accountId"]],
      [[], ["(body)"]],
    ] as const) {
      const res = await post(json);
      expect([json, ...failure(res)]).toEqual([json, 400, "invalid_request"]);
      expect([json, fieldsOf(res.body)]).toEqual([json, fields]);
    }
    const raw = await t.api.send("POST", "/friends/requests", { raw: "{not json", token: a.token });
    expect(failure(raw)).toEqual([400, "invalid_request"]);
  });

  test("uppercase spellings of your own id are still yourself", async () => {
    const a = await newPlayer(t.api);
    expect(failure(await t.social.block(a, a.id.toUpperCase()))).toEqual([400, "cannot_target_self"]);
    expect(failure(await t.social.accept(a, a.id.toUpperCase()))).toEqual([400, "cannot_target_self"]);
    expect(await storedPair(t.db.url, a, a)).toEqual(NONE);
  });
});
