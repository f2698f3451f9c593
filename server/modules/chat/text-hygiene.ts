import { Limits } from "../../../shared/limits";

/** Line breaks and tabs become spaces; everything else in Cc/Cf goes (bidi overrides, zero-width, BOM). */
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

export type TextProblem = "empty" | "too_long" | "too_many_bytes";

export type CleanResult = { ok: true; text: string } | { ok: false; problem: TextProblem };

const encoder = new TextEncoder();

/**
 * The chat validation step: invisible and control characters stripped, NFC, whitespace tidied,
 * then bounded in code points and UTF-8 bytes. The input is bounded before any work is done.
 */
export function cleanChatText(raw: string): CleanResult {
  if (raw.length > Limits.chatMaxInputChars) return { ok: false, problem: "too_long" };
  // Invisibles go before NFC: one between a letter and its accent would keep them apart.
  const text = raw
    .replace(LINE_BREAKS, " ")
    .replace(INVISIBLE, (ch: string, at: number, whole: string) => (ch === ZWJ && keepJoiner(whole, at) ? ch : ""))
    .normalize("NFC")
    .replace(MARK_RUNS, "$1")
    .replace(SPACE_RUNS, " ")
    .trim();
  if (text.length === 0) return { ok: false, problem: "empty" };
  if (Array.from(text).length > Limits.chatMaxCodePoints) return { ok: false, problem: "too_long" };
  if (encoder.encode(text).byteLength > Limits.chatMaxBytes) return { ok: false, problem: "too_many_bytes" };
  return { ok: true, text };
}
