import type { Clock } from "../../server/lib/clock";
import type { LobbySession } from "../../shared/client/lobby-client";
import type { StartOptions } from "../../server/lobby-server";
import { BlockListResponseSchema, FriendListResponseSchema, type BlockListResponse, type FriendListResponse } from "../../shared/schemas/social";
import { NotificationListResponseSchema, type NotificationListResponse } from "../../shared/schemas/notifications";
import { befriend, type Player } from "./factories";
import type { TestDatabase } from "./database";
import { Api, type HttpResponse } from "./http";
import { checkUnhandledMessages } from "./protocol-check";
import { sql } from "./sql";
import { startTestServer, type TestServer } from "./test-server";

export interface SocialTestServer extends TestServer {
  api: Api;
  social: SocialApi;
}

/** A test server for the HTTP social routes; registrations from 127.0.0.1 are not limited. */
export async function startSocialServer(
  env: Record<string, string> = {},
  opts: { clock?: Clock; start?: StartOptions; db?: TestDatabase } = {},
): Promise<SocialTestServer> {
  const t = await startTestServer({ REGISTER_MAX_PER_IP_PER_HOUR: "100000", ...env }, opts);
  const api = new Api(t.url);
  return Object.assign(t, { api, social: new SocialApi(api) });
}

export { newPlayer, newPlayers, type Player } from "./factories";

/** The social routes, called as `by`. Each returns the raw response. */
export class SocialApi {
  constructor(readonly api: Api) {}

  request(by: Player, username: string): Promise<HttpResponse> {
    return this.api.post("/friends/requests", { username }, { token: by.token });
  }
  accept(by: Player, otherId: string): Promise<HttpResponse> {
    return this.api.post(`/friends/requests/${otherId}/accept`, undefined, { token: by.token });
  }
  decline(by: Player, otherId: string): Promise<HttpResponse> {
    return this.api.post(`/friends/requests/${otherId}/decline`, undefined, { token: by.token });
  }
  cancel(by: Player, otherId: string): Promise<HttpResponse> {
    return this.api.delete(`/friends/requests/${otherId}`, undefined, { token: by.token });
  }
  remove(by: Player, otherId: string): Promise<HttpResponse> {
    return this.api.delete(`/friends/${otherId}`, undefined, { token: by.token });
  }
  block(by: Player, otherId: string): Promise<HttpResponse> {
    return this.api.post("/blocks", { accountId: otherId }, { token: by.token });
  }
  unblock(by: Player, otherId: string): Promise<HttpResponse> {
    return this.api.delete(`/blocks/${otherId}`, undefined, { token: by.token });
  }

  /** A and B become friends (A asks, B accepts); fails the test otherwise. */
  befriend(a: Player, b: Player): Promise<void> {
    return befriend(a, b);
  }

  async friends(by: Player, query = ""): Promise<FriendListResponse> {
    return FriendListResponseSchema.strict().parse(okBody(await this.api.get(`/friends${query}`, { token: by.token })));
  }
  async blocks(by: Player, query = ""): Promise<BlockListResponse> {
    return BlockListResponseSchema.strict().parse(okBody(await this.api.get(`/blocks${query}`, { token: by.token })));
  }
  async notifications(by: Player, query = ""): Promise<NotificationListResponse> {
    return NotificationListResponseSchema.strict().parse(okBody(await this.api.get(`/notifications${query}`, { token: by.token })));
  }
}

export function expectStatus(res: HttpResponse, status: number): HttpResponse {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.text}`);
  return res;
}

const okBody = (res: HttpResponse): unknown => expectStatus(res, 200).body;

/** Follows `nextCursor` until the last page; returns every page. */
export async function walkPages<P extends { items: unknown[]; nextCursor?: string }>(
  fetchPage: (cursor: string | undefined) => Promise<P>,
  maxPages = 200,
): Promise<P[]> {
  const pages: P[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > maxPages) throw new Error("pagination does not end");
  } while (cursor !== undefined);
  return pages;
}

// --- stored edges ------------------------------------------------------------------------------

export type Edge = "FRIEND" | "INVITE_SENT" | "INVITE_RECEIVED" | "BLOCKED" | null;
/** [a -> b, b -> a]. */
export type EdgePair = [Edge, Edge];

export const NONE: EdgePair = [null, null];
export const SENT: EdgePair = ["INVITE_SENT", "INVITE_RECEIVED"];
export const RECEIVED: EdgePair = ["INVITE_RECEIVED", "INVITE_SENT"];
export const FRIENDS: EdgePair = ["FRIEND", "FRIEND"];
export const A_BLOCKED: EdgePair = ["BLOCKED", null];
export const B_BLOCKED: EdgePair = [null, "BLOCKED"];
export const BOTH_BLOCKED: EdgePair = ["BLOCKED", "BLOCKED"];

/** The pairs the state machine can ever leave behind; anything else is a half-written change. */
export const CONSISTENT_PAIRS: EdgePair[] = [NONE, SENT, RECEIVED, FRIENDS, A_BLOCKED, B_BLOCKED, BOTH_BLOCKED];

interface EdgeRow {
  account_id: string;
  other_id: string;
  state: Exclude<Edge, null>;
  created_at: Date;
  updated_at: Date;
}

/** Both stored edges of a pair, as [a -> b, b -> a]. */
export async function storedPair(dbUrl: string, a: Player | string, b: Player | string): Promise<EdgePair> {
  return (await storedPairRows(dbUrl, a, b)).map((r) => r?.state ?? null) as EdgePair;
}

/** The two rows of a pair (a -> b, b -> a), null where absent. */
export async function storedPairRows(dbUrl: string, a: Player | string, b: Player | string): Promise<[EdgeRow | null, EdgeRow | null]> {
  const [ida, idb] = [idOf(a), idOf(b)];
  const rows = await sql<EdgeRow>(
    dbUrl,
    `SELECT account_id::text, other_id::text, state::text AS state, created_at, updated_at FROM friend_edges
      WHERE (account_id = $1 AND other_id = $2) OR (account_id = $2 AND other_id = $1)`,
    [ida, idb],
  );
  return [rows.find((r) => r.account_id === ida) ?? null, rows.find((r) => r.account_id === idb) ?? null];
}

/** Every edge touching `account`, either direction. */
export async function edgesTouching(dbUrl: string, account: Player | string): Promise<{ from: string; to: string; state: string }[]> {
  return sql<{ from: string; to: string; state: string }>(
    dbUrl,
    `SELECT account_id::text AS "from", other_id::text AS "to", state::text AS state FROM friend_edges
      WHERE account_id = $1 OR other_id = $1 ORDER BY 1, 2`,
    [idOf(account)],
  );
}

/** Edges whose other direction is missing or does not match (excluding one-sided blocks). */
export async function halfEdges(dbUrl: string): Promise<unknown[]> {
  return sql(
    dbUrl,
    `SELECT * FROM (
       SELECT e.account_id::text, e.other_id::text, e.state::text AS state, coalesce(r.state::text, 'NONE') AS reverse
         FROM friend_edges e LEFT JOIN friend_edges r ON r.account_id = e.other_id AND r.other_id = e.account_id
     ) p
      WHERE (state, reverse) NOT IN (('BLOCKED', 'NONE'), ('BLOCKED', 'BLOCKED'), ('FRIEND', 'FRIEND'),
                                     ('INVITE_SENT', 'INVITE_RECEIVED'), ('INVITE_RECEIVED', 'INVITE_SENT'))`,
  );
}

const idOf = (p: Player | string): string => (typeof p === "string" ? p : p.id);

// --- lobby connections and cursors ---------------------------------------------------------------

/** Logs `player` in with a game client and opens their lobby connection (they are online). */
export async function goOnline(t: TestServer, player: Player): Promise<LobbySession> {
  const client = t.client();
  await client.login({ username: player.username, password: player.password });
  return client.joinLobby({}, checkUnhandledMessages);
}

/** The same cursor with one character of its body (part before the dot) or its MAC changed. */
export function flipCursorChar(cursor: string, part: "body" | "mac"): string {
  const dot = cursor.indexOf(".");
  const i = part === "body" ? Math.min(2, dot - 1) : cursor.length - 1;
  const swapped = cursor[i] === "A" ? "B" : "A";
  return cursor.slice(0, i) + swapped + cursor.slice(i + 1);
}

/** Ways to damage a valid cursor; every one must be refused. */
export function tamperedCursors(cursor: string): Record<string, string> {
  const [body, mac] = cursor.split(".") as [string, string];
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), id: "0190b3c4-0000-7000-8000-000000000000" })).toString("base64url");
  return {
    "a flipped body character": flipCursorChar(cursor, "body"),
    "a flipped MAC character": flipCursorChar(cursor, "mac"),
    "the last character cut": cursor.slice(0, -1),
    "the MAC cut off": body,
    "an empty MAC": `${body}.`,
    "a third part": `${cursor}.x`,
    "an edited body with the old MAC": `${forged}.${mac}`,
    "garbage": "not-a-cursor",
    "only a dot": ".",
    "base64 junk with a MAC-shaped tail": `${Buffer.from("{{{").toString("base64url")}.${mac}`,
  };
}
