import { cleanChatText } from "../../../server/modules/chat/text-hygiene";

const ok = (raw: string) => {
  const r = cleanChatText(raw);
  if (!r.ok) throw new Error(`refused: ${r.problem}`);
  return r.text;
};

describe("chat text validation", () => {
  test("NFC normalisation", () => {
    expect(ok("Cafe\u0301")).toBe("Caf\u00e9");
  });

  test("bidi overrides and isolates are stripped", () => {
    expect(ok("abc\u202Eevil\u202Cdef")).toBe("abcevildef");
    expect(ok("\u2066x\u2067y\u2068z\u2069")).toBe("xyz");
  });

  test("zero-width characters and BOM are stripped", () => {
    expect(ok("a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf")).toBe("abcdef");
  });

  test("control characters go, line breaks become spaces", () => {
    expect(ok("line1\nline2\r\n\tx\u0000y\u0007")).toBe("line1 line2 xy");
  });

  test("empty after cleaning is refused", () => {
    expect(cleanChatText("")).toEqual({ ok: false, problem: "empty" });
    expect(cleanChatText("   \u200B\u202E\n ")).toEqual({ ok: false, problem: "empty" });
  });

  test("500 code points of 4-byte emoji pass; 501 do not", () => {
    const emoji = "\u{1F600}";
    expect(ok(emoji.repeat(500))).toHaveLength(1000); // UTF-16 units
    expect(cleanChatText(emoji.repeat(501))).toEqual({ ok: false, problem: "too_long" });
  });

  test("the byte cap holds for 500 code points", () => {
    expect(new TextEncoder().encode(ok("\u{1F600}".repeat(500))).byteLength).toBe(2000);
  });

  test("a 10 KB string is refused before processing", () => {
    expect(cleanChatText("a".repeat(10 * 1024))).toEqual({ ok: false, problem: "too_long" });
  });

  test("zalgo stacks are cut to three marks per character", () => {
    expect(ok("e" + "\u0301".repeat(50))).toBe("\u00e9" + "\u0301".repeat(3));
  });

  test("space runs collapse and ends are trimmed", () => {
    expect(ok("  hello     world  ")).toBe("hello world");
  });
});
