import { matchMaker } from "@colyseus/core";
import { CloseCode } from "../../../shared/codes";
import { Api, failure } from "../../helpers/http";
import { createLobbyOn } from "../../helpers/placement";
import { connect, newAccount } from "../../helpers/presence";
import { watchConnection } from "../../helpers/realtime";
import { GOOD_PASSWORD } from "../../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";
import { ADMIN_TEST_ENV, adminLogin, operators, type Operators } from "./admin-fixture";
import { auditOf, newOperator, operatorMe, roleOf, seededViewer, setRole } from "./operator-fixture";

// Two server processes ("p1" in this Jest process, "p2" a child) share one PostgreSQL database and
// one Redis. Operators act on one process; the operator under test uses the other.
let procs: TwoProcesses;
let p1: Api;
let p2: Api;
let ops: Operators;

beforeAll(async () => {
  procs = await startTwoProcesses({ ...ADMIN_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600", LOBBY_RECONNECT_SECONDS: "0" });
  p1 = new Api(procs.t.url);
  p2 = new Api(procs.child.url);
  ops = await operators(procs.t);
}, 60_000);
afterAll(() => procs?.close());

test("a ban on p1 refuses the operator's token on p2 at its next request, and its login on p2", async () => {
  const viewer = await seededViewer(procs.t, p2);
  expect((await operatorMe(p2, viewer.token)).status).toBe(200);

  expect((await p1.post(`/admin/api/players/${viewer.id}/ban`, { durationSeconds: null, reason: "rogue" }, { token: ops.moderator })).status).toBe(200);
  expect(failure(await operatorMe(p2, viewer.token))).toEqual([401, "invalid_token"]);
  expect(failure(await adminLogin(p2, viewer.credentials))).toEqual([403, "account_banned"]);
  expect((await auditOf(p2, ops.viewer, viewer.id)).map((a) => a.action)).toEqual(["ban"]);
});

test("a demotion on p2 applies to the token on p1 at once; a disable on p1 refuses it on p2 and closes its lobby connection there", async () => {
  const op = await newOperator(p1, ops.admin, "moderator");
  expect(roleOf(await operatorMe(p1, op.token))).toBe("moderator");

  const someone = await newAccount(procs.t.url);
  const kick = () => p1.post(`/admin/api/players/${someone.id}/kick`, { reason: "probe" }, { token: op.token });
  expect((await kick()).status).toBe(200);

  expect((await setRole(p2, ops.admin, op.id, "viewer", "rotation")).status).toBe(200);
  expect(roleOf(await operatorMe(p1, op.token))).toBe("viewer");
  expect(failure(await kick())).toEqual([403, "forbidden"]);

  // The same account also plays, connected to p2.
  const player = await newAccount(procs.child.url);
  expect((await setRole(p1, ops.admin, player.id, "viewer")).status).toBe(200);
  const token = ((await adminLogin(p2, { username: player.username, password: GOOD_PASSWORD })).body as { accessToken: string }).accessToken;
  const conn = await connect(player, { roomId: await createLobbyOn(procs.childProcessId) });
  expect(Boolean(matchMaker.getLocalRoomById(conn.room.roomId))).toBe(false);
  const watch = watchConnection(conn.room);

  expect((await p1.post(`/admin/api/players/${player.id}/disable`, { reason: "left" }, { token: ops.moderator })).status).toBe(200);
  expect(failure(await operatorMe(p2, token))).toEqual([401, "invalid_token"]);
  expect(await watch.left).toBe(CloseCode.SessionRevoked);
  expect(failure(await adminLogin(p2, { username: player.username, password: GOOD_PASSWORD }))).toEqual([401, "invalid_credentials"]);
  expect((await auditOf(p2, ops.viewer, player.id)).map((a) => a.action)).toEqual(["disable", "set_role"]);
});
