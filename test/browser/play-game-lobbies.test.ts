/**
 * The player web client's custom games (/play, "Custom games") in real Chromium: a player creates a
 * public lobby in the page, takes another slot, a second player (a real SDK client) joins it by its
 * code and gets ready, Start turns on, and the start hands both players into the match room through
 * the usual match.found (the page's match view, played to the result). Then the browser list: another
 * player's lobby is listed, its player count follows a join live (gameLobby.watch / .listing),
 * a password lobby refuses a join without its password and takes one with it, and a lobby that
 * closes leaves the list.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { buildPlay } from "../../scripts/build-play";
import type { GameLobbyView } from "../../shared/schemas/game-lobby";
import { CHAT_TEST_ENV } from "../helpers/chat";
import { leave, ok, onlinePlayer, type Connection } from "../helpers/factories";
import { takeSeat } from "../helpers/factories-match";
import { startTestServer, uniqueUsername, type TestServer } from "../helpers/test-server";

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const PASSWORD = "copper-meadow-58-signal";

let server: TestServer;
let browser: Browser;
/** Uncaught errors and CSP violations, per page. */
const problems: string[] = [];
const connections: Connection[] = [];

/** Registers a player through the page's form. */
async function openPlayer(label: string): Promise<{ page: Page; name: string }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on("pageerror", (err) => problems.push(`${label} pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content.Security.Policy|Refused to/i.test(msg.text())) problems.push(`${label} console: ${msg.text()}`);
  });
  const name = uniqueUsername(`gl${label}`);
  await page.goto(`${server.url}/play`);
  await page.fill("#login-username", name);
  await page.fill("#login-password", PASSWORD);
  await page.click("#register-submit");
  await page.locator("#me", { hasText: name }).waitFor();
  await page.locator('body[data-connection="online"]').waitFor();
  return { page, name };
}

const sdkPlayer = async (prefix: string): Promise<Connection> => {
  const c = await onlinePlayer(server.url, { prefix });
  connections.push(c);
  return c;
};
const seat = (page: Page, name: string) => page.locator(`#game-lobby-current li.member[data-username="${name}"]`);
const listed = (page: Page, name: string) => page.locator(`#game-lobby-list li.game-lobby[data-name="${name}"]`);

beforeAll(async () => {
  await buildPlay();
  server = await startTestServer({
    ...CHAT_TEST_ENV,
    MATCH_TICK_MS: "100",
    MATCH_TARGET_SCORE: "3",
    MATCH_SCORE_COOLDOWN_MS: "0",
    // The defaults, named: duel (1 a side, 2 teams), squad (2 a side, 2 teams); lobbies go to eu and na.
    GAME_MODES: "duel:1x2,squad:2x2,ffa:1x4",
    MATCH_REGIONS: "eu,na,asia",
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await leave(...connections).catch(() => undefined);
  await browser?.close();
  await server?.close();
});

test("create a lobby in the page, take a slot, a player joins and gets ready, Start hands both into the match", async () => {
  const { page: pa, name: an } = await openPlayer("a");
  const lobbyName = `Cup ${an}`;
  await expect(pa.locator("#game-lobby-current").isHidden()).resolves.toBe(true);

  await pa.fill("#game-lobby-name", lobbyName);
  await pa.fill("#game-lobby-mode", "duel");
  await pa.fill("#game-lobby-region", "eu");
  await pa.selectOption("#game-lobby-visibility", "public");
  await pa.click("#game-lobby-create-submit");
  await pa.locator("#game-lobby-name-current", { hasText: lobbyName }).waitFor();
  await expect(pa.locator("#game-lobby-create").isHidden()).resolves.toBe(true);
  const code = (await pa.locator("#game-lobby-code").textContent())!;
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  // The host sits in team 1; the free slot of team 2 is a button that moves them there.
  await seat(pa, an).and(pa.locator('[data-team="0"]')).filter({ hasText: "(host)" }).waitFor();
  await pa.getByRole("button", { name: "Take team 2 slot 1" }).click();
  await seat(pa, an).and(pa.locator('[data-team="1"][data-slot="0"]')).waitFor();
  // Alone in the lobby: Start is there, but off.
  await expect(pa.locator("#game-lobby-start").isDisabled()).resolves.toBe(true);
  // The page's own lobby is listed in the browser (public), with its Join button off while seated.
  await listed(pa, lobbyName).waitFor();
  await expect(listed(pa, lobbyName).getByRole("button", { name: `Join ${lobbyName}` }).isDisabled()).resolves.toBe(true);

  // B (an SDK client) joins by the code: the first free slot is now team 1's.
  const b = await sdkPlayer("glb");
  const joined = await ok<GameLobbyView>(b, "gameLobby.join", { code: code.toLowerCase() });
  expect(joined.members.map((m) => `${m.username}@${m.team}`)).toEqual([`${b.account.username}@0`, `${an}@1`]);
  await seat(pa, b.account.username).and(pa.locator('[data-team="0"][data-ready="false"]')).filter({ hasText: "not ready" }).waitFor();
  await pa.locator("#game-lobby-summary", { hasText: "2/2 players" }).waitFor();
  await expect(pa.locator("#game-lobby-start").isDisabled()).resolves.toBe(true);
  await ok(b, "gameLobby.ready", { ready: true });
  await seat(pa, b.account.username).and(pa.locator('[data-ready="true"]')).waitFor();
  await pa.locator("#game-lobby-start:not([disabled])").waitFor();
  await expect(pa.getByRole("button", { name: `Remove ${b.account.username} from the lobby` }).isVisible()).resolves.toBe(true);

  // Start: the lobby closes, match.found reaches both, the page's match view takes over.
  await pa.click("#game-lobby-start");
  const bSeat = await takeSeat(b);
  expect(bSeat.found.mode).toBe("duel");
  await pa.locator("#match-view:not([hidden])").waitFor();
  await expect(pa.locator("#game-lobby-current").isHidden()).resolves.toBe(true);
  await pa.locator("#toasts", { hasText: "custom game is starting" }).waitFor();
  await pa.locator("#match-phase", { hasText: "First team to 3 wins. Go!" }).waitFor();
  // A took team 2's slot: the match view marks that team as A's, with B in the other one.
  await pa.locator('#match-teams .team.mine[data-team="1"]', { hasText: "Your team" }).filter({ hasText: an }).waitFor();
  await pa.locator('#match-teams .team[data-team="0"]').filter({ hasText: b.account.username }).waitFor();
  // Played to the result from the page.
  await pa.locator("#score-button:not([disabled])").waitFor();
  for (const score of ["1", "2"]) {
    await pa.click("#score-button");
    await pa.locator(".team.mine .team-score", { hasText: score }).waitFor();
  }
  await pa.click("#score-button");
  await pa.locator("#match-outcome", { hasText: "Victory!" }).waitFor();
  const result = await bSeat.result;
  expect(result.winnerTeam).toBe(1);
  // The lobby left the browser with the start.
  await pa.click("#game-lobby-refresh");
  await listed(pa, lobbyName).waitFor({ state: "detached" });
  expect(result.scores).toEqual([0, 3]);
  expect(problems).toEqual([]);
});

test("the browser list: filters, a live player count, a password refusal then a join, and a closed lobby leaving the list", async () => {
  const host = await sdkPlayer("glh");
  const tag = uniqueUsername("live");
  const open = await ok<GameLobbyView>(host, "gameLobby.create", { name: `Open ${tag}`, mode: "squad", region: "na" });
  const locked = await sdkPlayer("glk");
  await ok<GameLobbyView>(locked, "gameLobby.create", { name: `Locked ${tag}`, mode: "duel", region: "na", password: "sesame-42" });
  // A private lobby is never listed.
  const hidden = await sdkPlayer("glp");
  await ok<GameLobbyView>(hidden, "gameLobby.create", { name: `Hidden ${tag}`, mode: "squad", region: "na", visibility: "private" });

  const { page: pd } = await openPlayer("d");
  await pd.fill("#game-lobby-filter-q", tag);
  await pd.fill("#game-lobby-filter-region", "na");
  await pd.click("#game-lobby-refresh");
  await listed(pd, `Open ${tag}`).waitFor();
  await listed(pd, `Locked ${tag}`).waitFor();
  await expect(pd.locator("#game-lobby-list li.game-lobby").count()).resolves.toBe(2);
  await expect(listed(pd, `Open ${tag}`).locator(".players").textContent()).resolves.toBe("1/4");
  // The mode filter leaves the duel out.
  await pd.fill("#game-lobby-filter-mode", "squad");
  await pd.click("#game-lobby-refresh");
  await listed(pd, `Locked ${tag}`).waitFor({ state: "detached" });
  await listed(pd, `Open ${tag}`).waitFor();

  // Someone joins the open lobby: the count changes on the page without a refresh (gameLobby.listing).
  const joiner = await sdkPlayer("glj");
  await ok(joiner, "gameLobby.join", { lobbyId: open.id });
  await listed(pd, `Open ${tag}`).and(pd.locator('[data-players="2"]')).waitFor();
  await expect(listed(pd, `Open ${tag}`).locator(".players").textContent()).resolves.toBe("2/4");

  // Back to every mode: the password lobby refuses a join without its password, then takes it.
  await pd.fill("#game-lobby-filter-mode", "");
  await pd.click("#game-lobby-refresh");
  const lockedRow = listed(pd, `Locked ${tag}`);
  await lockedRow.waitFor();
  await lockedRow.getByRole("button", { name: `Join Locked ${tag}` }).click();
  await pd.locator('#game-lobby-error[data-code="game_lobby_password_wrong"]').waitFor();
  await expect(pd.locator("#game-lobby-current").isHidden()).resolves.toBe(true);
  await lockedRow.getByLabel(`Password for Locked ${tag}`).fill("sesame-42");
  await lockedRow.getByRole("button", { name: `Join Locked ${tag}` }).click();
  await pd.locator("#game-lobby-name-current", { hasText: `Locked ${tag}` }).waitFor();
  await expect(pd.locator("#game-lobby-error").textContent()).resolves.toBe("");
  await seat(pd, locked.account.username).filter({ hasText: "(host)" }).waitFor();
  // Not the host: a Ready toggle, no Start and no Kick.
  await expect(pd.locator("#game-lobby-start").count()).resolves.toBe(0);
  await expect(pd.getByRole("button", { name: `Remove ${locked.account.username} from the lobby` }).count()).resolves.toBe(0);
  await pd.click("#game-lobby-ready");
  await pd.locator('#game-lobby-ready[aria-pressed="true"]').waitFor();
  // The lobby now is full, as the live listing shows.
  await lockedRow.locator(".players", { hasText: "2/2" }).waitFor();

  // The open lobby's players leave: it closes and drops out of the list, live.
  await ok(joiner, "gameLobby.leave", {});
  await listed(pd, `Open ${tag}`).and(pd.locator('[data-players="1"]')).waitFor();
  await ok(host, "gameLobby.leave", {});
  await listed(pd, `Open ${tag}`).waitFor({ state: "detached" });

  // Leaving from the page.
  await pd.click("#game-lobby-leave");
  await pd.locator("#game-lobby-current").waitFor({ state: "hidden" });
  await expect(pd.locator("#game-lobby-create").isVisible()).resolves.toBe(true);
  await lockedRow.locator(".players", { hasText: "1/2" }).waitFor();
  expect(problems).toEqual([]);
});
