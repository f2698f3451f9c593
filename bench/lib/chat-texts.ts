import type { Config } from "../../server/config";
import { ProfanityFilter } from "../../server/modules/chat/profanity-filter";

/**
 * Chat benchmark texts (chat-fanout, scale-out):
 * distinct texts of a realistic length whose id is one zero-padded token ("m000455"), because
 * the channel is profanity-filtered and the filter reads digits as leet speak.
 */
const FILLER = "anyone up for a ranked match tonight? need one more for the squad";
export const chatTextOf = (id: number): string => `m${String(id).padStart(6, "0")} ${FILLER}`;
export const chatIdOf = (text: string): number => (text.startsWith("m") ? Number(text.slice(1, text.indexOf(" "))) : Number.NaN);

/** Throws if the server's profanity filter (same word lists) would mask any planned text: its id would be lost. */
export function checkChatTexts(config: Readonly<Config>, count: number): void {
  const filter = new ProfanityFilter({ extraWords: config.chat.extraBlockedWords, allowedWords: config.chat.allowedWords });
  for (let id = 0; id < count; id++) {
    const text = chatTextOf(id);
    if (filter.mask(text).masked || chatIdOf(text) !== id) throw new Error(`benchmark text ${JSON.stringify(text)} would be masked by the chat filter`);
  }
}

/** Per receiver: whether the seqs it saw were consecutive (the chat's exactly-once, in-order promise). */
export class SeqCheck {
  gaps = 0;
  repeats = 0;
  private last: number | undefined;

  start(lastSeq: number): void {
    this.last = lastSeq;
  }

  see(seq: number): void {
    if (this.last === undefined) {
      this.last = seq;
      return;
    }
    if (seq <= this.last) this.repeats++;
    else if (seq > this.last + 1) this.gaps++;
    this.last = Math.max(this.last, seq);
  }
}
