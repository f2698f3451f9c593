import { Limits } from "../../../shared/limits";
import { cleanVisibleText, codePointCount } from "../../../shared/text-cleaning";

export type TextProblem = "empty" | "too_long" | "too_many_bytes";

export type CleanResult = { ok: true; text: string } | { ok: false; problem: TextProblem };

const encoder = new TextEncoder();

/**
 * The chat validation step: the shared visible-text cleaning (invisibles stripped, NFC,
 * whitespace tidied), then bounded in code points and UTF-8 bytes. The input is bounded before
 * any work is done.
 */
export function cleanChatText(raw: string): CleanResult {
  if (raw.length > Limits.chatMaxInputChars) return { ok: false, problem: "too_long" };
  const text = cleanVisibleText(raw);
  if (text.length === 0) return { ok: false, problem: "empty" };
  if (codePointCount(text) > Limits.chatMaxCodePoints) return { ok: false, problem: "too_long" };
  if (encoder.encode(text).byteLength > Limits.chatMaxBytes) return { ok: false, problem: "too_many_bytes" };
  return { ok: true, text };
}
