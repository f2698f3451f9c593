import { failure, type HttpResponse } from "../../helpers/http";
import {
  A_BLOCKED,
  B_BLOCKED,
  BOTH_BLOCKED,
  FRIENDS,
  NONE,
  RECEIVED,
  SENT,
  expectStatus,
  newPlayer,
  startSocialServer,
  storedPair,
  type EdgePair,
  type Player,
  type SocialTestServer,
} from "../../helpers/social";

let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer();
});
afterAll(() => t.close());

/** How to reach each starting pair [A -> B, B -> A] over HTTP. */
const SETUP: Record<string, { pair: EdgePair; run: (a: Player, b: Player) => Promise<void> }> = {
  none: { pair: NONE, run: async () => undefined },
  sent: { pair: SENT, run: async (a, b) => void expectStatus(await t.social.request(a, b.username), 200) },
  received: { pair: RECEIVED, run: async (a, b) => void expectStatus(await t.social.request(b, a.username), 200) },
  friends: { pair: FRIENDS, run: (a, b) => t.social.befriend(a, b) },
  "A blocked B": { pair: A_BLOCKED, run: async (a, b) => void expectStatus(await t.social.block(a, b.id), 204) },
  "B blocked A": { pair: B_BLOCKED, run: async (a, b) => void expectStatus(await t.social.block(b, a.id), 204) },
  "both blocked": {
    pair: BOTH_BLOCKED,
    run: async (a, b) => {
      expectStatus(await t.social.block(a, b.id), 204);
      expectStatus(await t.social.block(b, a.id), 204);
    },
  },
};

type Op = "request" | "accept" | "decline" | "cancel" | "remove" | "block" | "unblock";
const call = (op: Op, a: Player, b: Player): Promise<HttpResponse> =>
  op === "request" ? t.social.request(a, b.username) : t.social[op](a, b.id);

/** A's answer: a status (plus the request/accept result state) or [status, error code]. */
type Answer = 204 | "outgoing" | "friend" | [number, string];
const NOT_FOUND: Answer = [404, "friend_request_not_found"];

// Every operation by A from every starting pair: the answer and the stored pair after it.
const TABLE: [string, Op, Answer, EdgePair][] = [
  ["none", "request", "outgoing", SENT],
  ["none", "accept", NOT_FOUND, NONE],
  ["none", "decline", 204, NONE],
  ["none", "cancel", 204, NONE],
  ["none", "remove", 204, NONE],
  ["none", "block", 204, A_BLOCKED],
  ["none", "unblock", 204, NONE],

  ["sent", "request", "outgoing", SENT],
  ["sent", "accept", NOT_FOUND, SENT],
  ["sent", "decline", 204, SENT],
  ["sent", "cancel", 204, NONE],
  ["sent", "remove", 204, SENT],
  ["sent", "block", 204, A_BLOCKED],
  ["sent", "unblock", 204, SENT],

  ["received", "request", "friend", FRIENDS],
  ["received", "accept", "friend", FRIENDS],
  ["received", "decline", 204, NONE],
  ["received", "cancel", 204, RECEIVED],
  ["received", "remove", 204, RECEIVED],
  ["received", "block", 204, A_BLOCKED],
  ["received", "unblock", 204, RECEIVED],

  ["friends", "request", "friend", FRIENDS],
  ["friends", "accept", "friend", FRIENDS],
  ["friends", "decline", 204, FRIENDS],
  ["friends", "cancel", 204, FRIENDS],
  ["friends", "remove", 204, NONE],
  ["friends", "block", 204, A_BLOCKED],
  ["friends", "unblock", 204, FRIENDS],

  ["A blocked B", "request", [409, "player_blocked"], A_BLOCKED],
  ["A blocked B", "accept", NOT_FOUND, A_BLOCKED],
  ["A blocked B", "decline", 204, A_BLOCKED],
  ["A blocked B", "cancel", 204, A_BLOCKED],
  ["A blocked B", "remove", 204, A_BLOCKED],
  ["A blocked B", "block", 204, A_BLOCKED],
  ["A blocked B", "unblock", 204, NONE],

  ["B blocked A", "request", [403, "friend_request_not_allowed"], B_BLOCKED],
  ["B blocked A", "accept", NOT_FOUND, B_BLOCKED],
  ["B blocked A", "decline", 204, B_BLOCKED],
  ["B blocked A", "cancel", 204, B_BLOCKED],
  ["B blocked A", "remove", 204, B_BLOCKED],
  ["B blocked A", "block", 204, BOTH_BLOCKED],
  ["B blocked A", "unblock", 204, B_BLOCKED],

  ["both blocked", "request", [409, "player_blocked"], BOTH_BLOCKED],
  ["both blocked", "accept", NOT_FOUND, BOTH_BLOCKED],
  ["both blocked", "decline", 204, BOTH_BLOCKED],
  ["both blocked", "cancel", 204, BOTH_BLOCKED],
  ["both blocked", "remove", 204, BOTH_BLOCKED],
  ["both blocked", "block", 204, BOTH_BLOCKED],
  ["both blocked", "unblock", 204, B_BLOCKED],
];

describe("the friend state machine over HTTP: every operation from every pair", () => {
  test("the table covers every (starting pair, operation)", () => {
    expect(TABLE.length).toBe(Object.keys(SETUP).length * 7);
    expect(new Set(TABLE.map(([from, op]) => `${from}/${op}`)).size).toBe(TABLE.length);
  });

  test.each(TABLE)("%s, A %s: answers %j and leaves %j", async (from, op, answer, pairAfter) => {
    const [a, b] = [await newPlayer(t.api), await newPlayer(t.api)];
    await SETUP[from]!.run(a, b);
    expect(await storedPair(t.db.url, a, b)).toEqual(SETUP[from]!.pair);

    const res = await call(op, a, b);
    if (answer === 204) {
      expect([res.status, res.text]).toEqual([204, ""]);
    } else if (typeof answer === "string") {
      expect([res.status, res.body]).toEqual([200, { account: { id: b.id, username: b.username, displayName: b.username }, state: answer }]);
    } else {
      expect(failure(res)).toEqual(answer);
    }
    expect(await storedPair(t.db.url, a, b)).toEqual(pairAfter);

    // Repeating the same operation changes nothing more (idempotent), and answers the same way.
    const again = await call(op, a, b);
    expect(again.status).toBe(res.status);
    expect(await storedPair(t.db.url, a, b)).toEqual(pairAfter);
  });
});

describe("targets", () => {
  const ID_ROUTES: Exclude<Op, "request">[] = ["accept", "decline", "cancel", "remove", "block", "unblock"];

  test.each(ID_ROUTES)("%s yourself: 400 cannot_target_self, nothing stored", async (op) => {
    const a = await newPlayer(t.api);
    expect(failure(await t.social[op](a, a.id))).toEqual([400, "cannot_target_self"]);
    expect(await storedPair(t.db.url, a, a)).toEqual(NONE);
  });

  test.each(ID_ROUTES)("%s an unknown account id: 404 account_not_found", async (op) => {
    const a = await newPlayer(t.api);
    expect(failure(await t.social[op](a, "0190b3c4-0000-7000-8000-000000000000"))).toEqual([404, "account_not_found"]);
  });

  test.each(ID_ROUTES)("%s a malformed id: 400 invalid_request naming accountId", async (op) => {
    const a = await newPlayer(t.api);
    for (const bad of ["not-a-uuid", "1", "0190b3c4-0000-7000-8000-00000000000g", "%27%20OR%201%3D1--"]) {
      const res = await t.social[op](a, bad);
      expect(failure(res)).toEqual([400, "invalid_request"]);
      expect((res.body as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual(["accountId"]);
    }
  });

  test("every social route needs a Bearer token", async () => {
    const id = "0190b3c4-0000-7000-8000-000000000000";
    for (const [method, path] of [
      ["GET", "/friends"],
      ["POST", "/friends/requests"],
      ["POST", `/friends/requests/${id}/accept`],
      ["POST", `/friends/requests/${id}/decline`],
      ["DELETE", `/friends/requests/${id}`],
      ["DELETE", `/friends/${id}`],
      ["GET", "/blocks"],
      ["POST", "/blocks"],
      ["DELETE", `/blocks/${id}`],
      ["GET", "/notifications"],
      ["POST", "/notifications/read"],
    ] as const) {
      expect([method, path, ...failure(await t.api.send(method, path, { json: {} }))]).toEqual([method, path, 401, "unauthorized"]);
      expect([method, path, ...failure(await t.api.send(method, path, { json: {}, token: "x.y.z" }))]).toEqual([method, path, 401, "invalid_token"]);
    }
  });
});
