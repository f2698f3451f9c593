import { dmChannelId, type ChatMessage } from "../../shared/schemas/chat";
import { LobbyClientMessage, LobbyServerMessage } from "../../shared/schemas/lobby";
import type { ChildServer } from "../helpers/child-server";
import { createLobbyOn } from "../helpers/placement";
import { befriend, connect, isStatus, leave, loginAgain, newAccount, presenceUpdate, type Account } from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import type { TestServer } from "../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../helpers/two-processes";
import { checkUnhandledMessages } from "../helpers/protocol-check";

// Kill -9 of one of two processes sharing PostgreSQL and Redis: the survivor notices (its
// heartbeat stops), takes the dead process' connections out of presence so friends see its
// players go offline, and those players log in and join again on the survivor with nothing lost.
let t: TestServer;
let child: ChildServer;
let childProcessId: string;
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({
    ...REALTIME_TEST_ENV,
    LOBBY_SESSION_SWEEP_SECONDS: "3600",
    PROCESS_HEARTBEAT_SECONDS: "1",
    PROCESS_DEAD_AFTER_SECONDS: "2",
  });
  ({ t, child, childProcessId } = procs);
}, 60_000);
afterAll(() => procs?.close());

test("a killed process' players go offline for their friends and come back on the survivor", async () => {
  const a: Account = await newAccount(t.url);
  const b: Account = await newAccount(child.url);
  await befriend(a, b);
  const watcher = await connect(a, { roomId: await createLobbyOn() });
  const victim = await connect(b, { roomId: await createLobbyOn(childProcessId) });
  await presenceUpdate(watcher, b, isStatus("online"));
  // Acknowledged by the dying process before the crash: a direct message.
  const dm = (await victim.room.request(LobbyClientMessage.ChatDm, { to: a.id, text: "brb" })) as ChatMessage;
  await watcher.log.waitFor<ChatMessage>(LobbyServerMessage.ChatMessage, (m) => m.id === dm.id);
  const from = watcher.log.mark;

  await child.kill();
  // No close frame, no onLeave: only the missing heartbeat tells the survivor.
  const offline = await presenceUpdate(watcher, b, isStatus("offline"), from);
  expect(offline).toMatchObject({ accountId: b.id, status: "offline" });

  // The player logs in again on the surviving process: account and friendship are intact.
  const again = await loginAgain(b, t.url);
  const beforeReturn = watcher.log.mark;
  const back = await again.client.joinLobby({}, checkUnhandledMessages);
  expect(back.presence.friends).toEqual([expect.objectContaining({ accountId: a.id, status: "online" })]);
  await presenceUpdate(watcher, b, isStatus("online"), beforeReturn);
  const history = await again.client.http.chatHistory(again.client.accessToken, dmChannelId(a.id, b.id), { limit: 10 });
  expect(history.messages.map((m) => m.id)).toEqual([dm.id]);
  await leave(watcher);
  await back.room.leave();
}, 30_000);
