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

describe("chat text validation: invisibles and composition", () => {
  test("an invisible between a letter and its accent does not keep them apart", () => {
    expect(ok("e\u200B\u0301")).toBe("\u00e9");
    expect(ok("Cafe\u202E\u0301")).toBe("Caf\u00e9");
  });

  test("a zero-width joiner survives inside an emoji sequence only", () => {
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}";
    expect(ok(family)).toBe(family);
    const skinToned = "\u{1F469}\u{1F3FD}\u200D\u{1F4BB}";
    expect(ok(skinToned)).toBe(skinToned);
    const heart = "\u2764\uFE0F\u200D\u{1F525}";
    expect(ok(heart)).toBe(heart);
    expect(ok("a\u200Db")).toBe("ab");
    expect(ok("\u{1F600}\u200Da")).toBe("\u{1F600}a");
    expect(ok("\u200D\u{1F600}")).toBe("\u{1F600}");
  });
});
