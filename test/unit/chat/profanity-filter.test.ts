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
