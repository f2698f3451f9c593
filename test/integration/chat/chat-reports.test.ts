import { ErrorCode } from "../../../shared/codes";
import { errorBody, failure } from "../../helpers/http";
import { newPlayers, type Player } from "../../helpers/social";
import { sql } from "../../helpers/sql";
import { dm, partyChannel, post, startChatServer, type ChatTestServer } from "./chat-fixture";

// POST /chat/messages/{messageId}/reports: validation, one report per player, only messages the
// reporter could see, never their own.
let t: ChatTestServer;
beforeAll(async () => {
  t = await startChatServer();
});
afterAll(() => t.close());

const players = (n: number) => newPlayers(t.api, n);

/** Reports stored for a message, as (reporter, reason, note). */
const stored = (messageId: string) =>
  sql<{ reporter_id: string; reason: string; note: string | null }>(
    t.db.url,
    "SELECT reporter_id::text, reason, note FROM chat_reports WHERE message_id = $1 ORDER BY created_at, reporter_id",
    [messageId],
  );

/** A message `author` posted to a public channel. */
async function publicMessage(author: Player, text = "buy gold at example dot com"): Promise<string> {
  const [m] = await post(t, author, "public:general", text);
  return m!.id;
}

describe("counting", () => {
  test("each player counts once: the first report is 201, a repeat is 200 and changes nothing", async () => {
    const [author, b, c] = (await players(3)) as [Player, Player, Player];
    const id = await publicMessage(author);

    const first = await t.chatApi.reportRaw(b, id, { reason: "spam", note: "link spam" });
    expect([first.status, first.body]).toEqual([201, { reports: 1 }]);
    const again = await t.chatApi.reportRaw(b, id, { reason: "harassment" });
    expect([again.status, again.body]).toEqual([200, { reports: 1 }]);
    const other = await t.chatApi.reportRaw(c, id, { reason: "other" });
    expect([other.status, other.body]).toEqual([201, { reports: 2 }]);

    const rows = await stored(id);
    expect(rows.map((r) => [r.reporter_id, r.reason, r.note]).sort()).toEqual(
      [
        [b.id, "spam", "link spam"],
        [c.id, "other", null],
      ].sort(),
    );
  });

  test("reports of one message do not count towards another", async () => {
    const [author, b] = (await players(2)) as [Player, Player];
    const one = await publicMessage(author, "first thing");
    const two = await publicMessage(author, "second thing");
    expect((await t.chatApi.reportRaw(b, one, { reason: "spam" })).body).toEqual({ reports: 1 });
    expect((await t.chatApi.reportRaw(b, two, { reason: "spam" })).body).toEqual({ reports: 1 });
  });

  test("every reason of the list is accepted", async () => {
    const [author, ...reporters] = await players(7);
    const id = await publicMessage(author!);
    const reasons = ["spam", "harassment", "hate", "cheating", "inappropriate", "other"];
    for (const [i, reason] of reasons.entries()) {
      expect((await t.chatApi.reportRaw(reporters[i]!, id, { reason })).status).toBe(201);
    }
    expect((await stored(id)).map((r) => r.reason).sort()).toEqual([...reasons].sort());
  });
});

describe("refusals", () => {
  test("a player cannot report their own message: 400 cannot_report_own_message, nothing stored", async () => {
    const [author] = (await players(1)) as [Player];
    const id = await publicMessage(author);
    expect(failure(await t.chatApi.reportRaw(author, id, { reason: "spam" }))).toEqual([400, ErrorCode.CannotReportOwnMessage]);
    expect(await stored(id)).toEqual([]);
  });

  test("a message that does not exist, or was deleted, is 404 message_not_found", async () => {
    const [author, b] = (await players(2)) as [Player, Player];
    const id = await publicMessage(author);
    expect(failure(await t.chatApi.reportRaw(b, String(BigInt(id) + 1_000_000n), { reason: "spam" }))).toEqual([404, ErrorCode.MessageNotFound]);
    expect(failure(await t.chatApi.reportRaw(b, "0", { reason: "spam" }))).toEqual([404, ErrorCode.MessageNotFound]);
    await t.chat.deleteMessage(id, null, "removed by an operator");
    expect(failure(await t.chatApi.reportRaw(b, id, { reason: "spam" }))).toEqual([404, ErrorCode.MessageNotFound]);
    expect(await stored(id)).toEqual([]);
  });

  test("a message the reporter cannot see (someone else's DM or party) answers exactly like one that does not exist", async () => {
    const [a, b, c] = (await players(3)) as [Player, Player, Player];
    await t.social.befriend(a, b);
    const [direct] = await dm(t, a, b, "just between us");
    const party = await partyChannel(t, [a, b]);
    const [inParty] = await post(t, a, party, "party only");

    const missing = await t.chatApi.reportRaw(c, String(BigInt(inParty!.id) + 1_000_000n), { reason: "spam" });
    const shape = (res: typeof missing) => [res.status, errorBody(res).code, errorBody(res).message];
    expect(shape(missing)).toEqual([404, ErrorCode.MessageNotFound, expect.any(String)]);
    expect(shape(await t.chatApi.reportRaw(c, direct!.id, { reason: "harassment" }))).toEqual(shape(missing));
    expect(shape(await t.chatApi.reportRaw(c, inParty!.id, { reason: "harassment" }))).toEqual(shape(missing));
    expect(await stored(direct!.id)).toEqual([]);
    expect(await stored(inParty!.id)).toEqual([]);
    // The members themselves may report.
    expect((await t.chatApi.reportRaw(b, direct!.id, { reason: "harassment" })).status).toBe(201);
    expect((await t.chatApi.reportRaw(b, inParty!.id, { reason: "harassment" })).status).toBe(201);
  });
});

describe("validation", () => {
  test.each([
    ["no reason", {}, ["reason"]],
    ["an unknown reason", { reason: "rude" }, ["reason"]],
    ["a reason of the wrong type", { reason: 1 }, ["reason"]],
    ["a note over 500 characters", { reason: "spam", note: "x".repeat(501) }, ["note"]],
    ["a note that is not a string", { reason: "spam", note: ["x"] }, ["note"]],
    ["an unknown field", { reason: "spam", reporterId: "someone" }, ["reporterId"]],
    ["a body that is not an object", ["spam"], ["(body)"]],
  ])("%s is 400 invalid_request naming the field", async (_what, body, paths) => {
    const [author, b] = (await players(2)) as [Player, Player];
    const id = await publicMessage(author);
    const res = await t.chatApi.reportRaw(b, id, body);
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
    expect(errorBody(res).fields?.map((f) => f.path)).toEqual(paths);
    expect(await stored(id)).toEqual([]);
  });

  test("a note of exactly 500 characters is accepted", async () => {
    const [author, b] = (await players(2)) as [Player, Player];
    const id = await publicMessage(author);
    expect((await t.chatApi.reportRaw(b, id, { reason: "other", note: "n".repeat(500) })).status).toBe(201);
  });

  test("malformed JSON is 400 invalid_request", async () => {
    const [author, b] = (await players(2)) as [Player, Player];
    const id = await publicMessage(author);
    const res = await t.api.send("POST", `/chat/messages/${id}/reports`, { raw: "{reason:", token: b.token });
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
  });

  test.each([
    ["not a number", "abc"],
    ["negative", "-1"],
    ["a decimal", "1.5"],
    ["20 digits", "1".repeat(20)],
  ])("a message id that is %s is 400 invalid_request naming messageId", async (_what, messageId) => {
    const [b] = (await players(1)) as [Player];
    const res = await t.chatApi.reportRaw(b, messageId, { reason: "spam" });
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
    expect(errorBody(res).fields?.map((f) => f.path)).toEqual(["messageId"]);
  });

  test.each(["9223372036854775807", "9223372036854775808", "9999999999999999999"])(
    "%s, a well-formed id at or past the end of the id range, names no message: 404 message_not_found",
    async (messageId) => {
      const [b] = (await players(1)) as [Player];
      expect(failure(await t.chatApi.reportRaw(b, messageId, { reason: "spam" }))).toEqual([404, ErrorCode.MessageNotFound]);
    },
  );
});
