import { withFakeDate } from "../../helpers/fake-date";
import { errorBody, failure } from "../../helpers/http";
import { newPlayer, newPlayers, startSocialServer, type Player, type SocialTestServer } from "../../helpers/social";

// Social writes are limited per account: 60 a minute, over /friends and /blocks together.
const PER_MINUTE = 60;
let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer();
});
afterAll(() => t.close());

test(`social write number ${PER_MINUTE + 1} within a minute is 429 rate_limited with Retry-After; reads and other accounts are unaffected`, async () => {
  const [p, target, other] = (await newPlayers(t.api, 3)) as [Player, Player, Player];
  await withFakeDate(async (advance) => {
    // Every kind of write spends from the same budget (repeats included: they are idempotent, not free).
    const writes = [
      () => t.social.request(p, target.username),
      () => t.social.cancel(p, target.id),
      () => t.social.decline(p, target.id),
      () => t.social.remove(p, target.id),
      () => t.social.block(p, target.id),
      () => t.social.unblock(p, target.id),
      () => t.social.accept(p, target.id),
    ];
    for (let i = 0; i < PER_MINUTE; i++) {
      const res = await writes[i % writes.length]!();
      expect([i, res.status]).not.toEqual([i, 429]);
    }
    for (const write of writes) {
      const res = await write();
      expect(failure(res)).toEqual([429, "rate_limited"]);
      const retryAfter = Number(res.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(errorBody(res).retryAfterSeconds).toBe(retryAfter);
    }
    // Reads are not limited; another account has its own budget.
    expect((await t.api.get("/friends", { token: p.token })).status).toBe(200);
    expect((await t.api.get("/blocks", { token: p.token })).status).toBe(200);
    expect((await t.social.request(other, target.username)).status).toBe(200);

    advance(61_000);
    expect((await t.social.request(p, target.username)).status).toBe(200);
  });
});

test("a limited request changes nothing", async () => {
  const [p, target] = (await newPlayers(t.api, 2)) as [Player, Player];
  await withFakeDate(async () => {
    for (let i = 0; i < PER_MINUTE; i++) await t.social.unblock(p, target.id);
    expect(failure(await t.social.request(p, target.username))).toEqual([429, "rate_limited"]);
    expect((await t.social.friends(target)).items).toEqual([]);
    expect((await t.social.notifications(target)).items).toEqual([]);
  });
  // A fresh player is not affected by p's budget.
  expect((await t.social.request(await newPlayer(t.api), target.username)).status).toBe(200);
});
