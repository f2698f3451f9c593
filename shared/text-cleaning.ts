/**
 * The cleaning every piece of text a player shows to others goes through (chat messages,
 * display names): line breaks and tabs become spaces; everything else in Cc/Cf goes (bidi
 * overrides, zero-width, BOM); NFC; combining-mark runs bounded; whitespace tidied.
 */
const LINE_BREAKS = /[\t\n\r\v\f\u0085\u2028\u2029]/g;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu;
/** The one invisible kept: a zero-width joiner inside an emoji sequence (👨‍👩‍👧), which it draws as one. */
const ZWJ = "\u200D";
const EMOJI_BEFORE = /\p{Extended_Pictographic}[\u{FE0F}\u{1F3FB}-\u{1F3FF}]?$/u;
const EMOJI_AFTER = /^\p{Extended_Pictographic}/u;
const keepJoiner = (text: string, at: number): boolean =>
  EMOJI_BEFORE.test(text.slice(Math.max(0, at - 4), at)) && EMOJI_AFTER.test(text.slice(at + 1, at + 3));
/** More than this many combining marks on one character is "zalgo" noise: the rest are dropped. */
const MAX_MARKS = 3;
const MARK_RUNS = new RegExp(`(\\p{M}{${MAX_MARKS}})\\p{M}+`, "gu");
const SPACE_RUNS = / {2,}/g;

/** The cleaned text; callers bound the input's length before calling. */
export function cleanVisibleText(raw: string): string {
  // Invisibles go before NFC: one between a letter and its accent would keep them apart.
  return raw
    .replace(LINE_BREAKS, " ")
    .replace(INVISIBLE, (ch: string, at: number, whole: string) => (ch === ZWJ && keepJoiner(whole, at) ? ch : ""))
    .normalize("NFC")
    .replace(MARK_RUNS, "$1")
    .replace(SPACE_RUNS, " ")
    .trim();
}

export const codePointCount = (s: string): number => Array.from(s).length;
