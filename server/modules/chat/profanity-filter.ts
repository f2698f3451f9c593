import {
  DataSet,
  RegExpMatcher,
  TextCensor,
  asteriskCensorStrategy,
  englishDataset,
  englishRecommendedTransformers,
  pattern,
} from "obscenity";

export interface ProfanityConfig {
  /** Words blocked on top of the library's English list. */
  extraWords: string[];
  /** Words never masked (false positives in your community). */
  allowedWords: string[];
}

/**
 * Masks profanity with asterisks using `obscenity` (maintained, leet-speak and spacing tricks
 * handled by its transformers), extended and trimmed by configuration.
 */
export class ProfanityFilter {
  private readonly matcher: RegExpMatcher;
  private readonly censor = new TextCensor().setStrategy(asteriskCensorStrategy());

  constructor(config: ProfanityConfig) {
    const dataset = new DataSet<{ originalWord: string }>().addAll(englishDataset);
    for (const word of config.extraWords.map((w) => w.trim().toLowerCase()).filter(Boolean)) {
      dataset.addPhrase((p) => p.setMetadata({ originalWord: word }).addPattern(pattern`${literal(word)}`));
    }
    const allowed = new Set(config.allowedWords.map((w) => w.trim().toLowerCase()).filter(Boolean));
    if (allowed.size > 0) dataset.removePhrasesIf((p) => allowed.has(p.metadata?.originalWord ?? ""));
    this.matcher = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });
  }

  /** The text with every match masked, and whether anything was. */
  mask(text: string): { text: string; masked: boolean } {
    const matches = this.matcher.getAllMatches(text, true);
    const words = matches.length === 0 ? text : this.censor.applyTo(text, matches);
    const spaced = this.maskSpacedOut(words);
    return { text: spaced, masked: matches.length > 0 || spaced !== words };
  }

  /**
   * Words spelled out one character at a time ("f u c k", "s.h.1.t"): the library matches
   * within words only, so each such run is joined up and matched; a match masks its whole span.
   */
  private maskSpacedOut(text: string): string {
    return text.replace(SPACED_RUN, (run) => {
      const tokens = [...run.matchAll(SPACED_TOKEN)].map((m) => ({ char: m[0], at: m.index }));
      const joined = tokens.map((t) => t.char).join("");
      const matches = this.matcher.getAllMatches(joined, true);
      if (matches.length === 0) return run;
      // Token i starts at UTF-16 offset `offsets[i]` of `joined`.
      const offsets: number[] = [];
      let offset = 0;
      for (const t of tokens) {
        offsets.push(offset);
        offset += t.char.length;
      }
      const tokenAt = (index: number) => offsets.findLastIndex((o) => o <= index);
      const masked = Array.from({ length: run.length }, () => false);
      for (const m of matches) {
        const first = tokens[tokenAt(m.startIndex)]!;
        const last = tokens[tokenAt(m.endIndex)]!;
        for (let i = first.at; i < last.at + last.char.length; i += 1) masked[i] = true;
      }
      let out = "";
      for (const ch of Array.from(run.matchAll(/[\s\S]/gu), (m) => ({ ch: m[0], at: m.index }))) out += masked[ch.at] ? "*" : ch.ch;
      return out;
    });
  }
}

/** One character of a spelled-out word: a letter, digit or leet symbol standing alone. */
const CHAR = String.raw`[\p{L}\p{N}@$!]`;
const SPACED_TOKEN = new RegExp(CHAR, "gu");
/** Three or more such characters, each alone, separated by 1-3 other characters. */
const SPACED_RUN = new RegExp(
  String.raw`(?<![\p{L}\p{N}@$!])${CHAR}(?:[^\p{L}\p{N}@$!]{1,3}${CHAR}(?![\p{L}\p{N}@$!])){2,}`,
  "gu",
);

/** obscenity patterns treat `[`, `]`, `?`, `|` and `\` specially: escape a configured word. */
function literal(word: string): string {
  return word.replace(/[[\]?|\\]/g, "\\$&");
}
