/**
 * The player web client (/play) in real Chromium, the parts the two-player loop does not cover:
 * notifications created while the player was offline (delivered at login), keyboard-only chat,
 * a party's promote and kick, removing a friend, blocking one (hidden from the friends list, and
 * their DMs refused), the SDK's local flood refusal shown plainly with its wait, and a party join
 * code: typed by one stranger, opened as a link by another, then revoked; and joining a friend's
 * party from the friends list (asking, the leader accepting; then joining at once once allowed);
 * and a display name set from the top bar, seen at once by a friend.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { buildPlay } from "../../scripts/build-play";
import { CHAT_TEST_ENV } from "../helpers/chat";
import { startTestServer, uniqueUsername, type TestServer } from "../helpers/test-server";

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const PASSWORD = "amber-quarry-17-willow";

let server: TestServer;
let browser: Browser;
const problems: string[] = [];

/** Logs an existing account in through the page's login form (opened at `path`). */
async function logIn(name: string, label: string, path = "/play"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on("pageerror", (err) => problems.push(`${label} pageerror: ${err.message}`));
  // The Remove and Block buttons ask first.
  page.on("dialog", (d) => void d.accept());
  await page.goto(`${server.url}${path}`);
  await page.fill("#login-username", name);
  await page.fill("#login-password", PASSWORD);
  await page.press("#login-password", "Enter");
  await page.locator("#me", { hasText: name }).waitFor();
  await page.locator('body[data-connection="online"]').waitFor();
  return page;
}

const friendRow = (page: Page, name: string, status?: string) =>
  page.locator(`#friend-list li[data-username="${name}"]${status ? `[data-status="${status}"]` : ""}`);
const chatLine = (page: Page, text: string) => page.locator("#chat-log li .text", { hasText: text });
/** The id of the focused element (page side: the test's tsconfig has no DOM types). */
const focusedId = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);
const member = (page: Page, name: string) => page.locator(`#party-members li[data-username="${name}"]`);

beforeAll(async () => {
  await buildPlay();
  server = await startTestServer({ ...CHAT_TEST_ENV, PARTY_MAX_SIZE: "3" });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test("offline notifications, keyboard chat, promote and kick, remove and block, a flood refusal", async () => {
  const [an, bn, cn] = [uniqueUsername("weba"), uniqueUsername("webb"), uniqueUsername("webc")];
  const [, b, c] = await Promise.all([an, bn, cn].map((username) => server.http.register({ username, password: PASSWORD })));
  // B and C ask A while A has never been online: the notifications wait for A's login.
  await server.http.sendFriendRequest(b!.accessToken, an);
  await server.http.sendFriendRequest(c!.accessToken, an);

  const pa = await logIn(an, "a");
  await pa.locator("#notif-count", { hasText: "2" }).waitFor();
  for (const name of [bn, cn]) await pa.locator("#notif-list li.unread", { hasText: `${name} sent you a friend request` }).waitFor();
  const [pb, pc] = [await logIn(bn, "b"), await logIn(cn, "c")];
  for (const name of [bn, cn]) await pa.getByRole("button", { name: `Accept ${name}'s request` }).click();
  await friendRow(pa, bn, "online").waitFor();
  await friendRow(pa, cn, "online").waitFor();
  await pa.click("#notif-read-all");
  await expect(pa.locator("#notif-count").textContent()).resolves.toBe("");

  // Keyboard only: A tabs to the message field and sends with Enter; B reads it.
  for (const p of [pa, pb]) await p.locator('[role=tab][data-channel="public:general"][aria-selected="true"]').waitFor();
  for (let presses = 0; presses < 80; presses++) {
    if ((await focusedId(pa)) === "chat-input") break;
    await pa.keyboard.press("Tab");
  }
  await expect(focusedId(pa)).resolves.toBe("chat-input");
  await pa.keyboard.type("typed, never clicked");
  await pa.keyboard.press("Enter");
  await chatLine(pb, "typed, never clicked").waitFor();
  await expect(pa.inputValue("#chat-input")).resolves.toBe("");

  // A party of three: A promotes B, and B (now the leader) kicks C.
  await pa.getByRole("button", { name: `Invite ${bn} to your party` }).click();
  await pa.getByRole("button", { name: `Invite ${cn} to your party` }).click();
  for (const p of [pb, pc]) await p.locator(`#party-invites li[data-from="${an}"] button`, { hasText: "Join party" }).click();
  await member(pa, cn).waitFor();
  await member(pa, bn).waitFor();
  await pa.getByRole("button", { name: `Make ${bn} the leader` }).click();
  await member(pc, bn).filter({ hasText: "(leader)" }).waitFor();
  await expect(pa.getByRole("button", { name: `Remove ${cn} from the party` }).count()).resolves.toBe(0);
  await pb.getByRole("button", { name: `Remove ${cn} from the party` }).click();
  await pc.locator("#party", { hasText: "not in a party" }).waitFor();
  await pc.locator("#toasts", { hasText: "removed from the party" }).waitFor();
  await member(pa, cn).waitFor({ state: "detached" });
  await member(pa, bn).filter({ hasText: "(leader)" }).waitFor();

  // C opens a DM with A before A blocks C.
  await pc.getByRole("button", { name: `Message ${an}` }).click();
  await pc.locator('[role=tab][data-kind="dm"][aria-selected="true"]').waitFor();
  await pc.fill("#chat-input", "before the block");
  await pc.press("#chat-input", "Enter");
  await chatLine(pc, "before the block").waitFor();

  // A removes B: gone on both sides, and B is told.
  await pa.getByRole("button", { name: `Remove ${bn} from friends` }).click();
  await friendRow(pa, bn).waitFor({ state: "detached" });
  await friendRow(pb, an).waitFor({ state: "detached" });
  await pb.locator("#notif-list li", { hasText: `${an} removed you from their friends` }).waitFor();

  // A blocks C: hidden from A's friends, listed as blocked; C loses A and can no longer DM A.
  await pa.getByRole("button", { name: `Block ${cn}` }).click();
  await friendRow(pa, cn).waitFor({ state: "detached" });
  await pa.locator("summary", { hasText: "Blocked players" }).click();
  await pa.getByRole("button", { name: `Unblock ${cn}` }).waitFor();
  await friendRow(pc, an).waitFor({ state: "detached" });
  await pc.fill("#chat-input", "after the block");
  await pc.press("#chat-input", "Enter");
  await pc.locator("#chat-error", { hasText: "does not accept messages from you" }).waitFor();
  await expect(pc.inputValue("#chat-input")).resolves.toBe("after the block");
  // B floods the channel: the SDK refuses locally (burst 5, 1 a second) and the page says so, with the wait.
  await pb.locator('[role=tab][data-channel="public:general"][aria-selected="true"]').waitFor();
  let sent = 0;
  for (; sent < 20 && (await pb.locator("#chat-error").textContent()) === ""; sent++) {
    await pb.fill("#chat-input", `flood ${sent}`);
    await pb.press("#chat-input", "Enter");
    await pb.locator(`#chat-log li .text:text-is("flood ${sent}"), #chat-error:not(:empty)`).first().waitFor();
  }
  await expect(pb.locator("#chat-error").textContent()).resolves.toMatch(/sending too fast: wait \d+ s/);
  expect(sent).toBeGreaterThan(5);
  // The refused text stays in the field, and it never reached the others.
  await expect(pb.inputValue("#chat-input")).resolves.toBe(`flood ${sent - 1}`);
  await pa.locator(`#chat-log li .text:text-is("flood ${sent - 2}")`).waitFor();
  await expect(pa.locator(`#chat-log li .text:text-is("flood ${sent - 1}")`).count()).resolves.toBe(0);
  expect(problems).toEqual([]);
});

test("a party join code: the leader makes one, a stranger types it, another opens its link and logs in", async () => {
  const [ln, tn, kn] = [uniqueUsername("codel"), uniqueUsername("codet"), uniqueUsername("codek")];
  await Promise.all([ln, tn, kn].map((username) => server.http.register({ username, password: PASSWORD })));
  const pl = await logIn(ln, "leader");
  await pl.getByRole("button", { name: "Create a party" }).click();
  await pl.getByRole("button", { name: "Make a new join code" }).click();
  const code = (await pl.locator("#party-code-value").textContent())!;
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(pl.locator("#party-code-link").getAttribute("href")).resolves.toBe(`/play?party=${code}`);

  // Typed in lower case, without the dash: no friendship needed.
  const pt = await logIn(tn, "typist");
  await pt.fill("#party-code-input", code.replace("-", "").toLowerCase());
  await pt.press("#party-code-input", "Enter");
  await member(pt, ln).waitFor();
  await member(pl, tn).waitFor();
  // The members see the code; only the leader may change it.
  await expect(pt.locator("#party-code-value").textContent()).resolves.toBe(code);
  await expect(pt.getByRole("button", { name: "Revoke the join code" }).count()).resolves.toBe(0);

  // The link, opened before logging in: the page joins once the player is in.
  const pk = await logIn(kn, "linked", `/play?party=${code}`);
  await member(pk, ln).waitFor();
  await member(pl, kn).waitFor();
  await pk.waitForURL((url) => url.search === "");

  await pl.getByRole("button", { name: "Revoke the join code" }).click();
  await pt.locator("#party-code", { hasText: "No join code." }).waitFor();
  expect(problems).toEqual([]);
});

test("joining from the friends list: a friend asks, the leader accepts; with 'friends may join' another joins at once", async () => {
  const [ln, an, jn] = [uniqueUsername("joinl"), uniqueUsername("joina"), uniqueUsername("joinj")];
  const [l, a, j] = await Promise.all([ln, an, jn].map((username) => server.http.register({ username, password: PASSWORD })));
  for (const [from, to] of [[a!, ln], [j!, ln]] as const) {
    await server.http.sendFriendRequest(from.accessToken, to);
    await server.http.acceptFriendRequest(l!.accessToken, from.account.id);
  }
  const pl = await logIn(ln, "join-leader");
  await pl.getByRole("button", { name: "Create a party" }).click();
  await member(pl, ln).waitFor();

  // Default policy "ask": the friend's row offers to ask; the leader sees the request and accepts.
  const pa = await logIn(an, "asker");
  await pa.getByRole("button", { name: `Ask to join ${ln}'s party` }).click();
  await pl.locator(`#party-members li.join-request[data-from="${an}"]`).waitFor();
  await pl.getByRole("button", { name: `Let ${an} join` }).click();
  await member(pa, ln).waitFor();
  await member(pl, an).waitFor();
  await expect(pl.locator("#party-members li.join-request").count()).resolves.toBe(0);

  // The leader lets friends join: the next friend's row says Join, and one click puts them in.
  await pl.selectOption("#join-policy-select", "friends");
  await pl.locator("#toasts .toast", { hasText: "Friends may now join your party." }).waitFor();
  const pj = await logIn(jn, "joiner");
  await pj.getByRole("button", { name: `Join ${ln}'s party` }).click();
  await member(pj, an).waitFor();
  await member(pl, jn).waitFor();
  // The setting is saved with the account: a new login reads it back.
  const again = await logIn(ln, "join-leader-again");
  await again.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { value: string } } }).document.getElementById("join-policy-select").value === "friends");
  expect(problems).toEqual([]);
});

test("a display name set from the top bar: the page shows it, and a friend's list and chat show it at once, @username on hover", async () => {
  const [an, bn] = [uniqueUsername("webn"), uniqueUsername("webm")];
  const [a, b] = await Promise.all([an, bn].map((username) => server.http.register({ username, password: PASSWORD })));
  await server.http.sendFriendRequest(a!.accessToken, bn);
  await server.http.acceptFriendRequest(b!.accessToken, a!.account.id);
  const [pa, pb] = [await logIn(an, "a"), await logIn(bn, "b")];
  await friendRow(pb, an, "online").waitFor();

  await pa.fill("#display-name", "  Night\u200B  Owl ");
  await pa.press("#display-name", "Enter");
  await pa.locator("#me", { hasText: "Night Owl" }).waitFor();
  await expect(pa.locator("#me").getAttribute("title")).resolves.toBe(`@${an}`);
  const shown = friendRow(pb, an, "online").locator("strong");
  await shown.filter({ hasText: "Night Owl" }).waitFor();
  await expect(shown.getAttribute("title")).resolves.toBe(`@${an}`);

  // An empty name after cleaning is refused with the server's reason, and nothing changes.
  await pa.fill("#display-name", "\u200B ");
  await pa.press("#display-name", "Enter");
  await pa.locator("#toasts .toast.error", { hasText: "Name not changed" }).waitFor();
  await expect(pa.locator("#me").textContent()).resolves.toBe("Night Owl");

  // Chat shows the sender by the new name; actions name the friend by it.
  for (const p of [pa, pb]) await p.locator('[role=tab][data-channel="public:general"][aria-selected="true"]').waitFor();
  await pa.fill("#chat-input", "hoot hoot");
  await pa.press("#chat-input", "Enter");
  await pb.locator("#chat-log li", { hasText: "hoot hoot" }).locator(".sender", { hasText: "Night Owl" }).waitFor();
  await pb.getByRole("button", { name: "Message Night Owl" }).waitFor();
  expect(problems).toEqual([]);
});
