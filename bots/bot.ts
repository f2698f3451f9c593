import { LobbyApiError, LobbyClient, LobbyRefusalError, type LobbyConnection } from "../shared/client";
import type { MatchFoundMessage } from "../shared/schemas/matchmaking";
import { ErrorCode } from "../shared/codes";

export interface BotOptions {
  url: string;
  username: string;
  password: string;
  mode: string;
  region: string;
  channel: string;
  /** Seconds between a bot's chat lines (jittered); 0: silent. At least 6: below the server's 1 a second with room to spare. */
  chatEverySeconds: number;
  /** Matches to play before stopping (0: until stopped). */
  matches: number;
}

export interface BotStats {
  matches: number;
  wins: number;
  chats: number;
  /** `error` messages that are the server's fault (internal_error, service_unavailable), and connections lost for good. */
  serverErrors: number;
  refusals: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LINES = ["gg", "anyone up for a duel?", "nice match", "queueing again", "hello lobby", "that was close"];

/** One headless player through the SDK: logs in (or registers), chats politely, queues, plays matches to a result. */
export class Bot {
  readonly client: LobbyClient;
  readonly stats: BotStats = { matches: 0, wins: 0, chats: 0, serverErrors: 0, refusals: 0 };
  id = "";
  private lobby: LobbyConnection | undefined;
  private stopped = false;
  private chatTimer: ReturnType<typeof setTimeout> | undefined;
  private lineNo = 0;

  constructor(readonly o: BotOptions) {
    this.client = new LobbyClient(o.url);
  }

  get done(): boolean {
    return this.stopped || (this.o.matches > 0 && this.stats.matches >= this.o.matches);
  }

  async signIn(): Promise<void> {
    const creds = { username: this.o.username, password: this.o.password };
    const auth = await this.client.register(creds).catch((err: unknown) => {
      if (err instanceof LobbyApiError && err.code === ErrorCode.UsernameTaken) return this.client.login(creds);
      throw err;
    });
    this.id = auth.account.id;
  }

  /** Sends a request to `username`; accepts the requests that come in (live, and those waiting). */
  async befriend(username: string): Promise<void> {
    await this.client.api.sendFriendRequest(username).catch((err: unknown) => this.refused(err));
  }

  async connect(): Promise<void> {
    const { connection } = await this.client.connectLobby((c) => {
      c.on("friends.update", (u) => {
        if (u.state === "incoming") void this.client.api.acceptFriendRequest(u.account.id).catch((err: unknown) => this.refused(err));
      });
      c.on("party.invite", (i) => void c.request("party.decline", { partyId: i.partyId }).catch((err: unknown) => this.refused(err)));
      c.on("error", (e) => {
        if (e.code === ErrorCode.Internal || e.code === ErrorCode.ServiceUnavailable) this.stats.serverErrors++;
      });
      c.onStatus((s) => {
        if (s.state === "closed" && !this.stopped) this.stats.serverErrors++;
      });
    });
    this.lobby = connection;
    const waiting = await this.client.api.friends({ state: "incoming" });
    for (const f of waiting.items) await this.client.api.acceptFriendRequest(f.account.id).catch((err: unknown) => this.refused(err));
    await connection.joinChannel(this.o.channel).catch((err: unknown) => this.refused(err));
    this.scheduleChat();
  }

  /** Queues and plays until done or stopped. */
  async play(): Promise<void> {
    const lobby = this.lobby;
    if (!lobby) throw new Error("connect() first");
    while (!this.done) {
      const found = new Promise<MatchFoundMessage | undefined>((resolve) => {
        const offFound = lobby.on("match.found", (f) => (off(), resolve(f)));
        // The search ended without a match (cancelled, a no-show's ticket): queue again.
        const offIdle = lobby.on("queue.update", (q) => q.state === "idle" && (off(), resolve(undefined)));
        const offStatus = lobby.onStatus((s) => s.state === "closed" && (off(), resolve(undefined)));
        const off = () => (offFound(), offIdle(), offStatus());
        this.onStop = () => (off(), resolve(undefined));
      });
      const queued = await lobby.queue(this.o.mode, this.o.region).then(
        () => true,
        (err: unknown) => (this.refused(err), false),
      );
      if (!queued) this.onStop();
      const match = queued ? await found : undefined;
      if (queued && !match) await lobby.leaveQueue().catch(() => undefined);
      if (!match) {
        if (lobby.connectionStatus.state === "closed") return;
        await sleep(1000 + Math.random() * 1000);
        continue;
      }
      await this.playMatch(match);
      await sleep(500 + Math.random() * 1500);
    }
  }

  private onStop: () => void = () => undefined;

  private async playMatch(found: MatchFoundMessage): Promise<void> {
    const match = await this.client.joinMatch(found).catch((err: unknown) => (this.refused(err), undefined));
    if (!match) return;
    let over = false;
    void match.outcome.then(() => (over = true));
    // A simple strategy: score as fast as the server allows while the match is played. A refused
    // or failed point waits a timer turn: a loop of promises that settle at once would starve the
    // event loop, and with it the very message (the result, a close) that ends the match.
    while (!over && !this.stopped) {
      const phase = match.state?.phase;
      const counted = phase === "playing" && (await match.score().catch(() => false));
      if (!counted) await sleep(100);
    }
    if (this.stopped && !over) await match.leave();
    const outcome = await match.outcome;
    if (outcome.kind === "finished") {
      this.stats.matches++;
      if (outcome.result.winnerTeam === match.team) this.stats.wins++;
    } else if (outcome.kind === "closed" && !this.stopped) this.stats.serverErrors++;
  }

  private scheduleChat(): void {
    if (this.o.chatEverySeconds <= 0 || this.stopped) return;
    const every = Math.max(6, this.o.chatEverySeconds) * 1000;
    this.chatTimer = setTimeout(() => {
      // Never the same text twice in a row (the server refuses a repeat within 30 s, and refusals count toward a mute).
      const text = `${LINES[this.lineNo % LINES.length]} (${this.o.username} #${++this.lineNo})`;
      void this.lobby
        ?.say(this.o.channel, text)
        .then(() => this.stats.chats++)
        .catch((err: unknown) => this.refused(err))
        .finally(() => this.scheduleChat());
    }, every * (0.75 + Math.random() * 0.5));
  }

  private refused(err: unknown): void {
    if (err instanceof LobbyRefusalError || err instanceof LobbyApiError) {
      this.stats.refusals++;
      if (err instanceof LobbyApiError && err.status >= 500) this.stats.serverErrors++;
      if (err instanceof LobbyRefusalError && (err.code === ErrorCode.Internal || err.code === ErrorCode.ServiceUnavailable)) this.stats.serverErrors++;
      return;
    }
    if (!this.stopped) this.stats.serverErrors++;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.chatTimer) clearTimeout(this.chatTimer);
    this.onStop();
    await this.lobby?.leave().catch(() => undefined);
  }
}
