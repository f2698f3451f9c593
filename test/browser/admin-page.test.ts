/**
 * The operator console (/admin) in a real browser: Debian's chromium driven by playwright-core,
 * against a real server, with real @colyseus/sdk players. Screenshots go to docs/screenshots with UPDATE_SCREENSHOTS=1.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CloseCode } from "../../shared/codes";
import { CHAT_TEST_ENV, GENERAL, join, say } from "../helpers/chat";
import { connect, leave, newAccount, type Connection } from "../helpers/presence";
import { request } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/test-server";

jest.setTimeout(60_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const ADMIN_USERNAME = "ops_console";
const ADMIN_PASSWORD = "amber-lighthouse-77-quartz";
/**
 * Screenshots: into docs/screenshots when UPDATE_SCREENSHOTS=1 (to refresh the committed ones),
 * otherwise into a temporary folder so a test run leaves the working tree clean.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : fs.mkdtempSync(path.join(os.tmpdir(), "admin-shots-"));
const XSS = "<img src=x onerror=window.__xss=1>";

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Uncaught page errors and console errors (CSP violations land here) on the console page. */
const problems: string[] = [];
const connections: Connection[] = [];

/** The browser globals a page function uses (the test compiles without the DOM lib). */
type InPage = { document: { getElementById(id: string): { textContent: string | null } | null } };

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });

async function operatorToken(): Promise<string> {
  const res = await fetch(`${server.url}/admin/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startTestServer({ ...CHAT_TEST_ENV, ADMIN_USERNAME, ADMIN_PASSWORD });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
});

afterAll(async () => {
  await leave(...connections).catch(() => undefined);
  await browser?.close();
  await server?.close();
});

test("the page is served with a strict CSP and no inline script or style", async () => {
  const res = await fetch(`${server.url}/admin/`);
  expect(res.status).toBe(200);
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  const html = await res.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
});

/** The page's module graph, from its entry: every relative import of every module served. */
async function moduleGraph(entry: string): Promise<Map<string, Response>> {
  const seen = new Map<string, Response>();
  const queue = [new URL(entry, server.url).href];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    const res = await fetch(url);
    seen.set(url, res);
    const source = res.ok ? await res.text() : "";
    for (const [, spec] of source.matchAll(/^\s*(?:import|export)\b[^"'`]*?from\s+"(\.{1,2}\/[^"]+)"/gm)) queue.push(new URL(spec!, url).href);
  }
  return seen;
}

test("every ES module of the page is served as JavaScript under the CSP, and nothing else of the folder is", async () => {
  const html = await (await fetch(`${server.url}/admin/`)).text();
  const entries = [...html.matchAll(/<script\b([^>]*)>/gi)].map(([, attrs]) => attrs!);
  expect(entries).toEqual([expect.stringMatching(/type="module"/)]);
  const entry = /src="([^"]+)"/.exec(entries[0]!)![1]!;

  const graph = await moduleGraph(entry);
  // The entry, the shared helpers and one module per view at least.
  expect(graph.size).toBeGreaterThanOrEqual(10);
  for (const view of ["overview", "players", "player", "rooms", "fleet", "chat", "reports", "audit", "login"]) {
    expect([...graph.keys()]).toContain(`${server.url}/admin/js/views/${view}.js`);
  }
  for (const [url, res] of graph) {
    expect({ url, status: res.status }).toEqual({ url, status: 200 });
    expect(res.headers.get("content-type")).toMatch(/^text\/javascript\b/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    // API data reaches the DOM as text only.
    const source = fs.readFileSync(path.resolve(__dirname, "../../server/admin-ui", new URL(url).pathname.replace(/^\/admin\//, "")), "utf8");
    expect({ url, markupSinks: source.match(/\.(?:inner|outer)HTML\b|insertAdjacentHTML|document\.write/g) }).toEqual({ url, markupSinks: null });
  }
  expect((await fetch(`${server.url}/admin/app.css`)).headers.get("content-type")).toMatch(/^text\/css\b/);
  expect((await fetch(`${server.url}/admin/tsconfig.json`)).status).toBe(404);
  expect((await fetch(`${server.url}/admin/js/missing.js`)).status).toBe(404);
});

test("an operator logs in, watches a player come online, finds and bans them: the player is disconnected", async () => {
  await page.goto(`${server.url}/admin`);
  await page.fill("#login-username", ADMIN_USERNAME);
  await page.fill("#login-password", ADMIN_PASSWORD);
  await page.click("#login-submit");
  await page.locator("#stat-online").waitFor();
  await expect(page.locator("#whoami").textContent()).resolves.toContain("(admin)");
  // The token is kept in this tab's sessionStorage, never in a cookie.
  expect(await context.cookies()).toEqual([]);

  const before = Number(await page.locator("#stat-online").textContent());
  const player = await newAccount(server.url, "ban");
  const conn = await connect(player);
  connections.push(conn);
  const closed = new Promise<number>((resolve) => conn.room.onLeave((code) => resolve(code)));

  // The overview refreshes by itself: no reload.
  await page.waitForFunction((n) => Number((globalThis as unknown as InPage).document.getElementById("stat-online")?.textContent) > n, before);
  await page.locator("#process-table tbody tr").first().waitFor();
  await shot("admin-overview.png");

  // A display name that imitates someone else (and carries markup): operators see it as text, with the username.
  const shownAs = "Ops <i>Impostor</i>";
  expect((await request(server.url, "PATCH", "/me", { token: player.token, json: { displayName: shownAs } })).status).toBe(200);

  // Rooms & queues lists the lobby room the player sits in, and the custom game lobby they host (private: listed for operators only).
  await conn.room.request("gameLobby.create", { name: "Ops <b>check</b> lobby", mode: "duel", region: "eu", visibility: "private" });
  await page.click('#nav a[data-view="rooms"]');
  await page.locator("#lobby-table tbody tr").first().waitFor();
  await page.locator("#game-lobby-table tbody tr", { hasText: "Ops <b>check</b> lobby" }).waitFor();
  await expect(page.locator("#game-lobby-table tbody tr", { hasText: "Ops <b>check</b> lobby" }).textContent()).resolves.toContain("private");
  await expect(page.locator("#game-lobby-table tbody tr", { hasText: "Ops <b>check</b> lobby" }).textContent()).resolves.toContain(`${shownAs} (@${player.username})`);
  await expect(page.locator("#main").getAttribute("data-view")).resolves.toBe("rooms");

  await page.click('#nav a[data-view="players"]');
  await page.fill("#player-search", "ops <i>imp");
  await page.locator("#player-table tbody tr", { hasText: shownAs }).locator("a.player-link", { hasText: player.username }).click();
  await expect(page.locator("#player-name").textContent()).resolves.toBe(player.username);
  await expect(page.locator("#player-display-name").textContent()).resolves.toBe(shownAs);
  await page.locator("#player-presence", { hasText: "online" }).waitFor();
  await expect(page.locator("#player-guest").textContent()).resolves.toBe("no");
  await expect(page.locator("#player-email").textContent()).resolves.toBe("—");

  await page.click("#action-ban");
  await page.selectOption("#action-duration", "86400");
  await page.fill("#action-reason", "Cheating in ranked (browser test)");
  await page.click("#action-confirm");

  await expect(closed).resolves.toBe(CloseCode.Banned);
  await page.locator("#player-banned").waitFor();
  await page.locator("#sanction-table", { hasText: "Cheating in ranked (browser test)" }).waitFor();
  await shot("admin-player.png");

  // The admin may give any role: the page offers it, the API applies it.
  await page.click("#action-role-viewer");
  await page.fill("#action-reason", "Joins the support team (browser test)");
  await page.click("#action-confirm");
  await page.locator("#player-role", { hasText: "viewer" }).waitFor();

  // End sessions (here after the ban: nothing left to end) is offered and audited like any action.
  await page.click("#action-end-sessions");
  await page.fill("#action-reason", "Reported a stolen session (browser test)");
  await page.click("#action-confirm");
  await page.locator("#flash", { hasText: "End sessions: done." }).waitFor();

  await page.click('#nav a[data-view="audit"]');
  await page.locator("#audit-table", { hasText: "Reported a stolen session (browser test)" }).waitFor();
  await page.locator("#audit-table", { hasText: "Cheating in ranked (browser test)" }).waitFor();
  await page.locator("#audit-table", { hasText: "Joins the support team (browser test)" }).waitFor();
  expect(problems).toEqual([]);
});

test("stored XSS: a chat message with markup appears as literal text and runs nothing", async () => {
  const author = await newAccount(server.url, "xss");
  const reporter = await newAccount(server.url, "rep");
  const [a, r] = [await connect(author), await connect(reporter)];
  connections.push(a, r);
  await join(a, GENERAL);
  await join(r, GENERAL);
  await say(a, GENERAL, "gg everyone");
  const probe = await say(a, GENERAL, XSS);
  await reporter.client.http.reportChatMessage(reporter.client.accessToken, probe.id, { reason: "inappropriate" });

  await page.click('#nav a[data-view="chat"]');
  const row = page.locator(`#chat-feed li.message[data-id="${probe.id}"]`);
  await row.waitFor();
  await expect(row.locator(".text").textContent()).resolves.toBe(XSS);
  await expect(row.getAttribute("class")).resolves.toContain("reported");
  expect(await page.locator("#chat-feed img").count()).toBe(0);
  await page.locator("#report-table", { hasText: XSS }).waitFor();
  expect(await page.evaluate("typeof window.__xss")).toBe("undefined");
  await shot("admin-chat.png");
  expect(problems).toEqual([]);
});

test("the Colyseus monitor needs a single-use ticket from an operator, then a scoped cookie", async () => {
  expect((await fetch(`${server.url}/admin/monitor/api`)).status).toBe(401);
  expect((await fetch(`${server.url}/admin/api/monitor-ticket`, { method: "POST" })).status).toBe(401);

  const token = await operatorToken();
  const issued = await fetch(`${server.url}/admin/api/monitor-ticket`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  expect(issued.status).toBe(201);
  const { ticket } = (await issued.json()) as { ticket: string };

  const redeemed = await fetch(`${server.url}/admin/monitor/?ticket=${ticket}`, { redirect: "manual" });
  expect(redeemed.status).toBe(303);
  expect(redeemed.headers.get("location")).toBe("/admin/monitor/");
  const setCookie = redeemed.headers.get("set-cookie") ?? "";
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Strict/i);
  expect(setCookie).toMatch(/Path=\/admin\/monitor/i);
  const cookie = setCookie.split(";")[0];

  // Single use.
  expect((await fetch(`${server.url}/admin/monitor/?ticket=${ticket}`, { redirect: "manual" })).status).toBe(401);
  const api = await fetch(`${server.url}/admin/monitor/api`, { headers: { cookie } });
  expect(api.status).toBe(200);
  expect(await api.json()).toEqual(expect.objectContaining({ rooms: expect.any(Array) }));
  // A made-up cookie is refused.
  expect((await fetch(`${server.url}/admin/monitor/api`, { headers: { cookie: "lobby_admin_monitor=" + "A".repeat(43) } })).status).toBe(401);

  // From the console: the button opens the monitor in a new tab, logged in through a ticket.
  const [tab] = await Promise.all([context.waitForEvent("page"), page.click("#open-monitor")]);
  const listing = await tab.waitForResponse((res) => new URL(res.url()).pathname === "/admin/monitor/api");
  expect(listing.status()).toBe(200);
  expect(new URL(tab.url()).search).toBe("");
  await tab.getByText("roomId").waitFor();
  await tab.screenshot({ path: path.join(SCREENSHOTS, "admin-monitor.png") });
  const monitorCookie = (await context.cookies()).find((c) => c.name === "lobby_admin_monitor");
  expect(monitorCookie).toEqual(expect.objectContaining({ httpOnly: true, sameSite: "Strict", path: "/admin/monitor" }));
  await tab.close();
});

test("game servers: an admin makes a fleet key (its secret shown once), a server registered with it shows live, is drained, and leaves when the key is revoked", async () => {
  await page.goto(`${server.url}/admin#/fleet`);
  if (await page.locator("#login-username").isVisible()) {
    await page.fill("#login-username", ADMIN_USERNAME);
    await page.fill("#login-password", ADMIN_PASSWORD);
    await page.click("#login-submit");
  }
  await page.locator('#main[data-view="fleet"]').waitFor();
  await page.fill("#fleet-key-name", "Browser <b>fleet</b>");
  await page.fill("#fleet-key-regions", "eu");
  await page.click('#fleet-key-form button[type="submit"]');
  const secret = (await page.locator("#fleet-key-secret").textContent())!;
  expect(secret).toMatch(/^fk_[A-Za-z0-9_-]{43}$/);
  const keyRow = page.locator("#key-table tbody tr", { hasText: "Browser <b>fleet</b>" });
  await expect(keyRow.textContent()).resolves.toContain(`fk_${secret.slice(3, 11)}…`);
  await expect(keyRow.textContent()).resolves.not.toContain(secret);

  const registered = await request(server.url, "POST", "/fleet/servers", { token: secret, json: { address: "gs-browser.example.com:7777", region: "eu", modes: ["duel"], capacity: 4, version: "2.0.0" } });
  expect(registered.status).toBe(201);
  const serverRow = page.locator(`#server-table tbody tr[data-id="${(registered.body as { serverId: string }).serverId}"]`);
  await serverRow.filter({ hasText: "gs-browser.example.com:7777" }).filter({ hasText: "s ago" }).waitFor();
  await expect(serverRow.textContent()).resolves.toContain("0/4");

  await serverRow.locator(".drain-server").click();
  await page.fill("#action-reason", "Bad build (browser test)");
  await page.click("#action-confirm");
  await serverRow.filter({ hasText: "draining" }).waitFor();
  await shot("admin-fleet.png");

  await keyRow.locator(".revoke-key").click();
  await page.fill("#action-reason", "Retired (browser test)");
  await page.click("#action-confirm");
  await serverRow.waitFor({ state: "detached" });
  await keyRow.locator(".revoke-key").waitFor({ state: "detached" });
  expect(problems).toEqual([]);
});
