import { Limits } from "../../../shared/limits";

/** Line breaks and tabs become spaces; everything else in Cc/Cf goes (bidi overrides, zero-width, BOM). */
const LINE_BREAKS = /[\t\n\r\v\f\u0085\u2028\u2029]/g;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu;
/** More than this many combining marks on one character is "zalgo" noise: the rest are dropped. */
const MAX_MARKS = 3;
const MARK_RUNS = new RegExp(`(\\p{M}{${MAX_MARKS}})\\p{M}+`, "gu");
const SPACE_RUNS = / {2,}/g;

export type TextProblem = "empty" | "too_long" | "too_many_bytes";

export type CleanResult = { ok: true; text: string } | { ok: false; problem: TextProblem };

const encoder = new TextEncoder();

/**
 * The chat validation step: NFC, invisible and control characters stripped, whitespace tidied,
 * then bounded in code points and UTF-8 bytes. The input is bounded before any work is done.
 */
export function cleanChatText(raw: string): CleanResult {
  if (raw.length > Limits.chatMaxInputChars) return { ok: false, problem: "too_long" };
  const text = raw
    .normalize("NFC")
    .replace(LINE_BREAKS, " ")
    .replace(INVISIBLE, "")
    .replace(MARK_RUNS, "$1")
    .replace(SPACE_RUNS, " ")
    .trim();
  if (text.length === 0) return { ok: false, problem: "empty" };
  if (Array.from(text).length > Limits.chatMaxCodePoints) return { ok: false, problem: "too_long" };
  if (encoder.encode(text).byteLength > Limits.chatMaxBytes) return { ok: false, problem: "too_many_bytes" };
  return { ok: true, text };
}
