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
