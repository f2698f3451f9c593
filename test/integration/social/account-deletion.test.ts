import { sql } from "../../helpers/sql";
import {
  FRIENDS,
  edgesTouching,
  newPlayer,
  newPlayers,
  startSocialServer,
  storedPair,
  type Player,
  type SocialTestServer,
} from "../../helpers/social";

let t: SocialTestServer;
beforeAll(async () => {
  t = await startSocialServer();
});
afterAll(() => t.close());

const notificationsTouching = (id: string) =>
  sql<{ n: number }>(t.db.url, "SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1 OR actor_id = $1", [id]).then((r) => r[0]!.n);

test("DELETE /me removes the account's edges and notifications on both sides, and nothing else", async () => {
  const [doomed, friend, asked, asking, blocker, blockedOne, bystander] = (await newPlayers(t.api, 7)) as Player[] as [
    Player, Player, Player, Player, Player, Player, Player,
  ];
  await t.social.befriend(friend, doomed); // doomed gets friend_request, friend gets friend_accepted
  await t.social.request(doomed, asked.username); // asked gets friend_request
  await t.social.request(asking, doomed.username); // doomed gets friend_request
  await t.social.block(blocker, doomed.id);
  await t.social.block(doomed, blockedOne.id);
  await t.social.befriend(friend, bystander); // unrelated to doomed

  expect((await edgesTouching(t.db.url, doomed)).length).toBe(2 + 2 + 2 + 1 + 1);
  expect(await notificationsTouching(doomed.id)).toBe(4);

  const res = await t.api.delete("/me", { password: doomed.password }, { token: doomed.token });
  expect(res.status).toBe(204);

  expect(await edgesTouching(t.db.url, doomed)).toEqual([]);
  expect(await notificationsTouching(doomed.id)).toBe(0);
  for (const p of [friend, asked, asking]) {
    expect((await t.social.friends(p)).items.map((i) => i.account.id)).not.toContain(doomed.id);
    expect((await t.social.notifications(p)).items.map((n) => n.actor?.id)).not.toContain(doomed.id);
  }
  expect((await t.social.blocks(blocker)).items).toEqual([]);
  // The rest of the graph is untouched.
  expect(await storedPair(t.db.url, friend, bystander)).toEqual(FRIENDS);
  expect((await t.social.notifications(friend)).items.map((n) => n.actor?.id)).toEqual([bystander.id]);
  expect((await t.social.notifications(bystander)).items.map((n) => n.actor?.id)).toEqual([friend.id]);
  // A deleted account cannot be targeted any more.
  expect((await t.social.request(friend, doomed.username)).status).toBe(404);
  expect((await t.social.block(friend, doomed.id)).status).toBe(404);
});

test("requests racing the recipient's DELETE /me never answer 500 and leave nothing behind", async () => {
  for (let round = 0; round < 8; round++) {
    const doomed = await newPlayer(t.api);
    const fans = await newPlayers(t.api, 12);
    const answers = await Promise.all([
      ...fans.map((f) => t.social.request(f, doomed.username)),
      t.api.delete("/me", { password: doomed.password }, { token: doomed.token }),
    ]);
    const deletion = answers.pop()!;
    expect([round, deletion.status]).toEqual([round, 204]);
    // Before the deletion: sent (200); after it: the player is gone (404). Never an error.
    expect([round, answers.filter((r) => r.status !== 200 && r.status !== 404).map((r) => r.text)]).toEqual([round, []]);
    expect(await edgesTouching(t.db.url, doomed)).toEqual([]);
    expect(await notificationsTouching(doomed.id)).toBe(0);
    for (const f of fans) expect((await t.social.friends(f)).items).toEqual([]);
  }
});
