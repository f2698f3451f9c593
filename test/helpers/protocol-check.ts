import type { Room } from "@colyseus/sdk";
import { LobbyServerMessageSchemas, type LobbyServerMessageType } from "../../shared/schemas/lobby-server-messages";

/** A lobby message a test client received whose payload does not match its schema. */
export interface ProtocolViolation {
  type: string;
  issues: string;
}

const violations: ProtocolViolation[] = [];

const isServerType = (type: string): type is LobbyServerMessageType => Object.hasOwn(LobbyServerMessageSchemas, type);

/** What is wrong with a lobby message's payload by shared/'s schema of its type; undefined if nothing (or no schema: test markers). */
export function schemaIssues(type: string, payload: unknown): string | undefined {
  if (!isServerType(type)) return undefined;
  const result = LobbyServerMessageSchemas[type].safeParse(payload);
  return result.success ? undefined : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
}

/** Records a received lobby message that breaks its schema. */
export function checkServerMessage(type: string, payload: unknown): void {
  const issues = schemaIssues(type, payload);
  if (issues !== undefined) violations.push({ type, issues });
}

/** Every violation seen in this test file so far (checked after each file: test/helpers/protocol-setup.ts). */
export function protocolViolations(): readonly ProtocolViolation[] {
  return violations;
}

/**
 * Schema-checks every message `room` receives that no handler of the test takes (the SDK's
 * wildcard handler runs only for those), which also keeps the SDK from warning about each.
 * Pass it as joinLobby's `setup` so the opening messages are covered too.
 */
export function checkUnhandledMessages(room: Room): void {
  room.onMessage("*", (type: string | number, payload: unknown) => checkServerMessage(String(type), payload));
}
