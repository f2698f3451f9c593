import crypto from "node:crypto";
import pg from "pg";
import type { Config } from "../../server/config";
import { systemClock } from "../../server/lib/clock";
import { AccessTokens } from "../../server/modules/auth/access-tokens";
import { createArgon2Hasher } from "../../server/modules/auth/password-hasher";

export interface SeededPlayer {
  id: string;
  username: string;
  sessionId: string;
  /** An access token the server accepts (signed with its secret, for a live session row). */
  accessToken: string;
}

export interface FriendGraph {
  subject: SeededPlayer;
  friends: SeededPlayer[];
  /** Every seeded account's password (one precomputed argon2id hash is shared). */
  password: string;
}

export const BENCH_PASSWORD = "violet-harbor-42-tango";

/**
 * One subject and `count` friends, written straight into the database in a few statements: the
 * accounts (with a real argon2id hash, so HTTP login works too), a login session each, and both
 * directed FRIEND edges per pair. Access tokens are signed with the server's own token code and
 * secret, which is exactly what a login would return, minus `count` argon2 verifications.
 */
export async function seedFriendGraph(databaseUrl: string, config: Readonly<Config>, count: number, prefix = "b"): Promise<FriendGraph> {
  const passwordHash = await createArgon2Hasher().hash(BENCH_PASSWORD);
  const tokens = new AccessTokens({ ...config.jwt, ttlSeconds: 3600 }, systemClock);
  const player = (username: string): SeededPlayer => {
    const id = crypto.randomUUID();
    const sessionId = crypto.randomUUID();
    return { id, username, sessionId, accessToken: tokens.sign(id, sessionId) };
  };
  const subject = player(`${prefix}_subject`);
  const friends = Array.from({ length: count }, (_, i) => player(`${prefix}_friend_${String(i).padStart(4, "0")}`));
  const all = [subject, ...friends];

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO accounts (id, username, username_key, display_name, password_hash, updated_at)
       SELECT id, name, lower(name), name, $3, now() FROM unnest($1::uuid[], $2::text[]) AS t(id, name)`,
      [all.map((p) => p.id), all.map((p) => p.username), passwordHash],
    );
    await client.query(
      `INSERT INTO sessions (id, account_id, expires_at)
       SELECT sid, aid, now() + interval '1 day' FROM unnest($1::uuid[], $2::uuid[]) AS t(sid, aid)`,
      [all.map((p) => p.sessionId), all.map((p) => p.id)],
    );
    await client.query(
      `INSERT INTO friend_edges (account_id, other_id, state, created_at, updated_at)
       SELECT $1::uuid, f, 'FRIEND'::"FriendState", now(), now() FROM unnest($2::uuid[]) AS f
       UNION ALL
       SELECT f, $1::uuid, 'FRIEND'::"FriendState", now(), now() FROM unnest($2::uuid[]) AS f`,
      [subject.id, friends.map((f) => f.id)],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE accounts; ANALYZE sessions; ANALYZE friend_edges");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
  return { subject, friends, password: BENCH_PASSWORD };
}

/**
 * `count` players with no relationships between them (e.g. the members of a chat channel),
 * written like seedFriendGraph's: accounts with a real argon2id hash, a login session each, and
 * access tokens signed with the server's own token code and secret.
 */
export async function seedPlayers(databaseUrl: string, config: Readonly<Config>, count: number, prefix = "c"): Promise<{ players: SeededPlayer[]; password: string }> {
  const passwordHash = await createArgon2Hasher().hash(BENCH_PASSWORD);
  const tokens = new AccessTokens({ ...config.jwt, ttlSeconds: 3600 }, systemClock);
  const players = Array.from({ length: count }, (_, i) => {
    const id = crypto.randomUUID();
    const sessionId = crypto.randomUUID();
    return { id, username: `${prefix}_player_${String(i).padStart(4, "0")}`, sessionId, accessToken: tokens.sign(id, sessionId) };
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO accounts (id, username, username_key, display_name, password_hash, updated_at)
       SELECT id, name, lower(name), name, $3, now() FROM unnest($1::uuid[], $2::text[]) AS t(id, name)`,
      [players.map((p) => p.id), players.map((p) => p.username), passwordHash],
    );
    await client.query(
      `INSERT INTO sessions (id, account_id, expires_at)
       SELECT sid, aid, now() + interval '1 day' FROM unnest($1::uuid[], $2::uuid[]) AS t(sid, aid)`,
      [players.map((p) => p.sessionId), players.map((p) => p.id)],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE accounts; ANALYZE sessions");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
  return { players, password: BENCH_PASSWORD };
}
