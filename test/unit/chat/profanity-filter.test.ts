import { ProfanityFilter } from "../../../server/modules/chat/profanity-filter";

describe("profanity filter", () => {
  const filter = new ProfanityFilter({ extraWords: ["noob"], allowedWords: [] });

  test.each([
    ["you are a fuck1ng idiot", "you are a ****1ng idiot"],
    ["what the fvck", "what the ****"],
    ["sh1t happens", "**** happens"],
  ])("masks leet-speak: %s", (input, expected) => {
    expect(filter.mask(input)).toEqual({ text: expected, masked: true });
  });

  test("leaves clean text alone (including Scunthorpe-style words)", () => {
    expect(filter.mask("assassin classic Scunthorpe")).toEqual({ text: "assassin classic Scunthorpe", masked: false });
  });

  test("configured extra words are masked, leet-speak included", () => {
    expect(filter.mask("you n00b")).toEqual({ text: "you ****", masked: true });
  });

  test("allowed words are not masked", () => {
    const lenient = new ProfanityFilter({ extraWords: [], allowedWords: ["shit"] });
    expect(lenient.mask("sh1t happens").masked).toBe(false);
  });
});

describe("profanity filter: words spelled out one character at a time", () => {
  const filter = new ProfanityFilter({ extraWords: ["camper"], allowedWords: [] });

  test.each([
    ["f u c k", "*******"],
    ["F.U.C.K off", "******* off"],
    ["s h 1 t happens", "******* happens"],
    ["go f - u - c - k yourself", "go ************* yourself"],
    ["c a m p e r", "***********"],
  ])("masks %s", (input, expected) => {
    expect(filter.mask(input)).toEqual({ text: expected, masked: true });
  });

  test("leaves spelled-out clean words and initials alone", () => {
    for (const text of ["U S A", "a s s e t", "a b c d", "1 2 3 4", "pass the sauce"]) {
      expect(filter.mask(text)).toEqual({ text, masked: false });
    }
  });
});
