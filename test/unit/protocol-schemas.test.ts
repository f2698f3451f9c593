import { deliver, type AccountEvent } from "../../server/modules/events/account-events";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import { LobbyServerMessageSchemas } from "../../shared/schemas/lobby-server-messages";
import { schemaIssues } from "../helpers/protocol-check";

test("every server -> client lobby message type has a payload schema, and nothing else does", () => {
  expect(Object.keys(LobbyServerMessageSchemas).sort()).toEqual(Object.values(LobbyServerMessage).sort());
});

test("the check that runs on every message test clients receive reports a payload that breaks its schema", () => {
  expect(schemaIssues(LobbyServerMessage.ChatMuted, { expiresAt: "2026-12-02T10:00:00.000Z", reason: "spam" })).toBeUndefined();
  expect(schemaIssues(LobbyServerMessage.ChatMuted, { expiresAt: "tomorrow" })).toMatch(/expiresAt.*reason/s);
  expect(schemaIssues("test.marker", { n: 1 })).toBeUndefined();
});

test("a deliver event's payload is typed by its message type (a wrong one fails npm run typecheck)", () => {
  const muted = deliver(LobbyServerMessage.ChatMuted, { expiresAt: "2026-12-02T10:00:00.000Z", reason: "spam" });
  // @ts-expect-error chat.muted carries { expiresAt, reason }, not a party view
  const wrongPayload = deliver(LobbyServerMessage.ChatMuted, { partyId: "p", party: null });
  // @ts-expect-error not a lobby message type
  const unknownType = deliver("chat.mooted", {});
  // @ts-expect-error an AccountEvent literal is held to the same map
  const literal: AccountEvent = { kind: "deliver", type: LobbyServerMessage.QueueUpdate, payload: { state: "lost" } };
  expect([muted.type, wrongPayload.type, unknownType.type, literal.kind]).toEqual(["chat.muted", "chat.muted", "chat.mooted", "deliver"]);
});
