/**
 * The player web client (/play) in a real browser: Debian's chromium driven by playwright-core,
 * against a real server. Two players register, become friends, see each other's presence, chat
 * in a channel, by DM and in a party, lose a connection mid-chat and catch up, then queue a duel,
 * play it to the result and see their ratings change. Player B reaches the server through a TCP
 * proxy the test cuts. Screenshots go to docs/screenshots with UPDATE_SCREENSHOTS=1.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { buildPlay } from "../../scripts/build-play";
import { CHAT_TEST_ENV } from "../helpers/chat";
import { TcpProxy } from "../helpers/tcp-proxy";
import { startTestServer, uniqueUsername, type TestServer } from "../helpers/test-server";

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const PASSWORD = "violet-harbour-42-lantern";
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : undefined;
const XSS = "<img src=x onerror=window.__xss=1>";

let server: TestServer;
let proxy: TcpProxy;
let browser: Browser;
/** Uncaught errors and CSP violations, per page. */
const problems: string[] = [];

const shot = async (page: Page, name: string) => {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
};

async function openPlayer(baseUrl: string, label: string): Promise<{ page: Page; name: string }> {
  const context = await browser.newContext({ viewport: label === "b" ? { width: 420, height: 900 } : { width: 1360, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on("pageerror", (err) => problems.push(`${label} pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content.Security.Policy|Refused to/i.test(msg.text())) problems.push(`${label} console: ${msg.text()}`);
  });
  const name = uniqueUsername(`web${label}`);
  await page.goto(`${baseUrl}/play`);
  await page.fill("#login-username", name);
  await page.fill("#login-password", PASSWORD);
  await page.click("#register-submit");
  await page.locator("#me", { hasText: name }).waitFor();
  await online(page);
  return { page, name };
}

const online = (page: Page) => page.locator('body[data-connection="online"]').waitFor();
const friendRow = (page: Page, name: string, status?: string) =>
  page.locator(`#friend-list li[data-username="${name}"]${status ? `[data-status="${status}"]` : ""}`);
const chatLine = (page: Page, text: string) => page.locator("#chat-log li .text", { hasText: text });

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#chat-input", text);
  await page.press("#chat-input", "Enter");
  await chatLine(page, text).waitFor();
}

beforeAll(async () => {
  await buildPlay();
  server = await startTestServer({ ...CHAT_TEST_ENV, MATCH_TICK_MS: "100", MATCH_TARGET_SCORE: "3", MATCH_SCORE_COOLDOWN_MS: "0" });
  proxy = await TcpProxy.start({ host: "127.0.0.1", port: Number(new URL(server.url).port) });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  if (SCREENSHOTS) fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

test("the page and its bundle are served under a strict CSP, with no inline script and no markup sinks", async () => {
  const res = await fetch(`${server.url}/play/`);
  expect(res.status).toBe(200);
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain("unsafe-inline");
  const html = await res.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  const bundle = await fetch(`${server.url}/play/play.js`);
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get("content-type")).toMatch(/^text\/javascript\b/);
  // Read to its end: a body left unread holds its connection open after the server closed.
  expect((await bundle.text()).length).toBeGreaterThan(0);
  expect((await fetch(`${server.url}/play/tsconfig.json`)).status).toBe(404);
  expect((await fetch(`${server.url}/play/src/main.ts`)).status).toBe(404);
  // Player text reaches the DOM as text only.
  const dir = path.resolve(__dirname, "../../web/play/src");
  const sources = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  expect(sources.length).toBeGreaterThanOrEqual(10);
  for (const file of sources) {
    const source = fs.readFileSync(path.join(dir, file), "utf8");
    expect({ file, sinks: source.match(/\.(?:inner|outer)HTML\b|insertAdjacentHTML|document\.write/g) }).toEqual({ file, sinks: null });
  }
});

test("two players: friends, presence, channel chat, DM, a dropped connection that catches up, a party, and a duel to the result", async () => {
  const a = await openPlayer(server.url, "a");
  const b = await openPlayer(`http://127.0.0.1:${proxy.port}`, "b");

  // Friends: A asks, B accepts; each sees the other online.
  await a.page.fill("#add-friend-name", b.name);
  await a.page.click("#add-friend-form button[type=submit]");
  await b.page.getByRole("button", { name: `Accept ${a.name}'s request` }).click();
  await friendRow(a.page, b.name, "online").waitFor();
  await friendRow(b.page, a.name, "online").waitFor();
  await b.page.locator("#notif-list li", { hasText: a.name }).first().waitFor();

  // The status menu: B goes away with a custom text (markup in it stays text).
  await b.page.selectOption("#status-select", "away");
  await friendRow(a.page, b.name, "away").waitFor();
  await b.page.fill("#status-text", XSS);
  await b.page.press("#status-text", "Enter");
  await friendRow(a.page, b.name, "away").locator(".custom", { hasText: XSS }).waitFor();

  // A public channel, both ways.
  await a.page.locator('[role=tab][data-channel="public:general"][aria-selected="true"]').waitFor();
  await b.page.locator('[role=tab][data-channel="public:general"][aria-selected="true"]').waitFor();
  await say(a.page, "hello from a");
  await chatLine(b.page, "hello from a").waitFor();
  await say(b.page, XSS);
  await chatLine(a.page, XSS).waitFor();

  // A DM: B opens it from the friends list; A sees it unread, then reads it.
  await b.page.getByRole("button", { name: `Message ${a.name}` }).click();
  await b.page.locator('[role=tab][data-kind="dm"][aria-selected="true"]').waitFor();
  await say(b.page, "psst, a duel?");
  await a.page.locator('[role=tab][data-kind="dm"] .unread', { hasText: "1" }).waitFor();
  await a.page.locator('[role=tab][data-kind="dm"]').click();
  await chatLine(a.page, "psst, a duel?").waitFor();
  await expect(a.page.locator('[role=tab][data-kind="dm"] .unread').count()).resolves.toBe(0);
  await shot(a.page, "play-lobby.png");

  // B's connection drops mid-chat: a banner, A sees B offline, and A's message meanwhile reaches
  // B once the connection is back (no reload).
  await b.page.locator('[role=tab][data-channel="public:general"]').click();
  await proxy.cut();
  await b.page.locator("#conn-banner:not([hidden])", { hasText: "reconnecting" }).waitFor();
  await friendRow(a.page, b.name, "offline").waitFor();
  await a.page.locator('[role=tab][data-channel="public:general"]').click();
  await say(a.page, "said while b was away");
  await shot(b.page, "play-reconnecting.png");
  await proxy.restore();
  await online(b.page);
  await b.page.locator("#conn-banner").waitFor({ state: "hidden" });
  await chatLine(b.page, "said while b was away").waitFor();
  await friendRow(a.page, b.name, "away").waitFor();
  await expect(b.page.evaluate(() => (globalThis as { __xss?: number }).__xss)).resolves.toBeUndefined();

  // A party: A invites B, B joins and gets ready, party chat, then A disbands it.
  await a.page.getByRole("button", { name: `Invite ${b.name} to your party` }).click();
  await b.page.locator(`#party-invites li[data-from="${a.name}"] button`, { hasText: "Join party" }).click();
  await a.page.locator("#party-members li.member").nth(1).waitFor();
  await b.page.click("#party-ready");
  await a.page.locator(`#party-members li[data-username="${b.name}"][data-ready="true"]`).waitFor();
  await a.page.locator('[role=tab][data-kind="party"]').click();
  await say(a.page, "party up");
  await b.page.locator('[role=tab][data-kind="party"] .unread').waitFor();
  await b.page.locator('[role=tab][data-kind="party"]').click();
  await chatLine(b.page, "party up").waitFor();
  await shot(a.page, "play-party.png");
  await a.page.getByRole("button", { name: "Disband the party" }).click();
  await b.page.locator("#party", { hasText: "not in a party" }).waitFor();

  // C, a friend of A, will watch the duel.
  const c = await openPlayer(server.url, "c");
  await c.page.fill("#add-friend-name", a.name);
  await c.page.click("#add-friend-form button[type=submit]");
  await a.page.getByRole("button", { name: `Accept ${c.name}'s request` }).click();
  await friendRow(c.page, a.name).waitFor();

  // Both queue for a duel in eu; the match is found and joined automatically.
  for (const p of [a.page, b.page]) {
    await p.fill("#queue-mode", "duel");
    await p.fill("#queue-region", "eu");
    await p.click("#queue-join");
  }
  for (const p of [a.page, b.page]) await p.locator("#score-button:not([disabled])").waitFor();
  await shot(a.page, "play-match.png");
  // C's friends list offers to watch A's match; C sees it read-only (no score button).
  await c.page.getByRole("button", { name: `Watch ${a.name}'s match` }).click();
  await c.page.locator("#match-heading", { hasText: `Watching ${a.name}` }).waitFor();
  await c.page.locator("#match-phase", { hasText: "Spectating" }).waitFor();
  await expect(c.page.locator("#score-button").isVisible()).resolves.toBe(false);
  // A scores with the keyboard and the mouse until the target (3).
  await a.page.locator("#match-phase").click();
  await a.page.keyboard.press("Space");
  await a.page.locator(".team.mine .team-score", { hasText: "1" }).waitFor();
  await a.page.click("#score-button");
  await a.page.locator(".team.mine .team-score", { hasText: "2" }).waitFor();
  await a.page.click("#score-button");

  await a.page.locator("#match-outcome", { hasText: "Victory" }).waitFor();
  await c.page.locator("#match-phase", { hasText: "The match is over" }).waitFor();
  await c.page.locator(".team .team-score", { hasText: "3" }).waitFor();
  await b.page.locator("#match-outcome", { hasText: "Defeat" }).waitFor();
  const up = await a.page.locator("#rating-change").textContent();
  const down = await b.page.locator("#rating-change").textContent();
  expect(up).toMatch(/\(\+\d/);
  expect(down).toMatch(/\(-\d/);
  for (const p of [a.page, b.page]) {
    await p.locator('#ratings tr[data-mode="duel"] td.games', { hasText: "1" }).waitFor();
    await p.locator("#history li.match-entry").first().waitFor();
  }
  await expect(a.page.locator("#history li.match-entry").first().textContent()).resolves.toContain("Won");
  await expect(b.page.locator("#history li.match-entry").first().textContent()).resolves.toContain("Lost");
  await shot(a.page, "play-result.png");

  // The session ends elsewhere (logout-all from another login): the page goes back to the login form.
  const other = await server.http.login({ username: a.name, password: PASSWORD });
  await server.http.logoutAll(other.accessToken);
  await a.page.locator("#login-error", { hasText: "session ended" }).waitFor();
  await expect(a.page.locator("#login-view").isVisible()).resolves.toBe(true);
  await expect(a.page.locator("#app").isVisible()).resolves.toBe(false);
  expect(problems).toEqual([]);
});
