import type { ChatMessage } from "../../shared/schemas/chat";

/**
 * One connection's position in one chat channel. Messages may arrive out of order or more than
 * once (several processes publish; a reconnect replays history): the cursor emits each seq
 * exactly once and in order, fetching any gap from the database before moving on.
 */
export class ChannelCursor {
  private last: number | undefined;
  private buffered: ChatMessage[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly fetchGap: (afterSeq: number, uptoSeq: number) => Promise<ChatMessage[]>,
    private readonly emit: (message: ChatMessage) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** The connection has everything up to `lastSeq` (history was just sent). */
  open(lastSeq: number): void {
    this.last = lastSeq;
    const buffered = this.buffered;
    this.buffered = [];
    for (const m of buffered) this.offer(m);
  }

  get position(): number | undefined {
    return this.last;
  }

  offer(message: ChatMessage): void {
    if (this.last === undefined) {
      this.buffered.push(message);
      return;
    }
    this.chain = this.chain.then(() => this.process(message)).catch(this.onError);
  }

  /** Resolves when everything offered so far has been emitted (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  private async process(message: ChatMessage): Promise<void> {
    const last = this.last as number;
    if (message.seq <= last) return;
    if (message.seq > last + 1) {
      const missing = await this.fetchGap(last, message.seq - 1);
      for (const m of missing.sort((a, b) => a.seq - b.seq)) {
        if (m.seq > (this.last as number) && m.seq < message.seq) {
          this.emit(m);
          this.last = m.seq;
        }
      }
    }
    if (message.seq <= (this.last as number)) return;
    this.emit(message);
    this.last = message.seq;
  }
}
