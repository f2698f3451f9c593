/**
 * Party join codes: eight characters a player can read out and type. No 0/O, 1/I/L or U (easily
 * confused, or spelling words), so 30 symbols: 30^8 ≈ 6.6e11 codes, with guesses rate-limited
 * per player. Shown as `ABCD-EFGH`; input is case-insensitive and may have spaces or dashes.
 */
export const PARTY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
export const PARTY_CODE_LENGTH = 8;

const VALID = new RegExp(`^[${PARTY_CODE_ALPHABET}]{${PARTY_CODE_LENGTH}}$`);

/** The stored form of what a player typed (`abcd efgh` -> `ABCDEFGH`), or undefined if it cannot be a code. */
export function normalizePartyCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, "").toUpperCase();
  return VALID.test(code) ? code : undefined;
}

/** `ABCDEFGH` -> `ABCD-EFGH`. */
export const formatPartyCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/** The link form: the web client at /play joins the party after login (`/play?party=ABCD-EFGH`). */
export const partyCodeLink = (code: string): string => `/play?party=${formatPartyCode(code)}`;
