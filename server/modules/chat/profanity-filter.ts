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
    if (matches.length === 0) return { text, masked: false };
    return { text: this.censor.applyTo(text, matches), masked: true };
  }
}

/** obscenity patterns treat `[`, `]`, `?`, `|` and `\` specially: escape a configured word. */
function literal(word: string): string {
  return word.replace(/[[\]?|\\]/g, "\\$&");
}
