import type { ChatMessage } from "../../shared/schemas/chat";

export interface ChannelCursorOptions {
  /**
   * Awaited before each step (a message, a task): e.g. a reload of who the connection hides that
   * was started by an earlier event must finish before anything after it is emitted.
   */
  before?: () => Promise<unknown> | undefined;
}

/**
 * One connection's position in one chat channel. Messages may arrive out of order or more than
 * once (several processes publish; a reconnect replays history): the cursor emits each seq
 * exactly once and in order, fetching any gap from the database before moving on. Everything it
 * does for the connection (messages, tasks such as a deletion notice or a catch-up) runs in one
 * chain, in the order it was offered.
 */
export class ChannelCursor {
  private last: number | undefined;
  /** Offered before the cursor was opened: replayed, in order, by open(). */
  private buffered: (() => void)[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly fetchGap: (afterSeq: number, uptoSeq: number) => Promise<ChatMessage[]>,
    private readonly emit: (message: ChatMessage) => void,
    private readonly onError: (err: unknown) => void,
    private readonly options: ChannelCursorOptions = {},
  ) {}

  /** The connection has everything up to `lastSeq` (history was just sent). Only the first call counts. */
  open(lastSeq: number): void {
    if (this.last !== undefined) return;
    this.last = lastSeq;
    const buffered = this.buffered;
    this.buffered = [];
    for (const replay of buffered) replay();
  }

  get position(): number | undefined {
    return this.last;
  }

  get isOpen(): boolean {
    return this.last !== undefined;
  }

  offer(message: ChatMessage): void {
    if (this.last === undefined) {
      this.buffered.push(() => this.offer(message));
      return;
    }
    this.chain = this.chain.then(() => this.process(message)).catch(this.onError);
  }

  /**
   * Runs `task` in the chain, after everything offered so far has been emitted, with the position
   * reached by then; nothing offered later is emitted before it is done. Waits for open().
   */
  run<T>(task: (position: number) => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const enqueue = () => {
        const step = this.chain.then(async () => {
          await this.options.before?.();
          return task(this.last as number);
        });
        step.then(resolve, reject);
        this.chain = step.then(
          () => undefined,
          () => undefined,
        );
      };
      if (this.last === undefined) this.buffered.push(enqueue);
      else enqueue();
    });
  }

  /** Resolves when everything offered so far has been emitted (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  private async process(message: ChatMessage): Promise<void> {
    await this.options.before?.();
    const last = this.last as number;
    if (message.seq <= last) return;
    if (message.seq > last + 1) {
      const missing = await this.fetchGap(last, message.seq - 1);
      for (const m of [...missing].sort((a, b) => a.seq - b.seq)) {
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
