import fs from "node:fs";
import path from "node:path";
import { LobbyClientMessage, LobbyServerMessage } from "../../shared/schemas/lobby";
import { MatchClientMessage, MatchServerMessage } from "../../shared/schemas/match";
import * as shared from "../../shared";
import { LobbyServerMessageSchemas, type LobbyServerMessageType } from "../../shared/schemas/lobby-server-messages";

/**
 * docs/ws-protocol.md catalogues every message type in tables; the type maps in shared/ are what
 * the rooms handle and send. The two must name the same types, both ways.
 */

const doc = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "ws-protocol.md"), "utf8").split("\n");

/** The rows (cells) of the first table after the line `heading`, below it in `within` (a `## ` section), header and separator left out. */
function tableAfter(heading: string, within?: string): string[][] {
  const from = within ? doc.indexOf(within) : 0;
  expect([heading, from]).not.toEqual([heading, -1]);
  const at = doc.indexOf(heading, from);
  expect([heading, at]).not.toEqual([heading, -1]);
  const start = doc.findIndex((line, i) => i > at && line.startsWith("|"));
  const end = doc.findIndex((line, i) => i > start && !line.startsWith("|"));
  return doc
    .slice(start + 2, end === -1 ? undefined : end)
    .map((row) => row.replace(/\\\|/g, "\u0000").split("|").slice(1, -1).map((cell) => cell.trim()));
}

/** `chat.join` -> chat.join: the message type a cell names. */
const typeIn = (cell: string): string => cell.match(/^`([^`]+)`$/)?.[1] ?? `(not a type: ${cell})`;
const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe("docs/ws-protocol.md lists exactly the message types of shared/", () => {
  test("lobby, server → client: LobbyServerMessage", () => {
    const rows = tableAfter("### Server → client", "## Messages");
    expect(sorted(rows.map((r) => typeIn(r[0]!)))).toEqual(sorted(Object.values(LobbyServerMessage)));
  });

  test("lobby, client → server: LobbyClientMessage", () => {
    const rows = tableAfter("### Client → server", "## Messages");
    expect(sorted(rows.map((r) => typeIn(r[0]!)))).toEqual(sorted(Object.values(LobbyClientMessage)));
  });

  test("match room, both directions: MatchClientMessage and MatchServerMessage", () => {
    const rows = tableAfter("### Messages", "## The match room");
    const of = (direction: string) => sorted(rows.filter((r) => r[0] === direction).map((r) => typeIn(r[1]!)));
    expect(sorted(new Set(rows.map((r) => r[0]!)))).toEqual(["client → server", "server → client"]);
    expect(of("client → server")).toEqual(sorted(Object.values(MatchClientMessage)));
    expect(of("server → client")).toEqual(sorted(Object.values(MatchServerMessage)));
  });
});

test("each server → client row names the payload schema LobbyServerMessageSchemas gives its type", () => {
  const exported = Object.entries(shared as Record<string, unknown>);
  const namesOf = (schema: unknown): string[] => exported.filter(([, value]) => value === schema).map(([name]) => name);
  const rows = tableAfter("### Server → client", "## Messages");
  const mismatched = rows.flatMap((row) => {
    const type = typeIn(row[0]!) as LobbyServerMessageType;
    const named = row[1]!.match(/`([A-Za-z]+Schema)`/)?.[1];
    const names = namesOf(LobbyServerMessageSchemas[type]);
    return named !== undefined && names.includes(named) ? [] : [{ type, named, schema: names }];
  });
  expect(mismatched).toEqual([]);
});
