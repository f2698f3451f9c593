import crypto from "node:crypto";
import { PARTY_CODE_ALPHABET, PARTY_CODE_LENGTH } from "../../shared/party-codes";

/** A fresh join code (party or game lobby) in the stored form, from the unambiguous alphabet. */
export const randomJoinCode = (): string =>
  Array.from({ length: PARTY_CODE_LENGTH }, () => PARTY_CODE_ALPHABET[crypto.randomInt(PARTY_CODE_ALPHABET.length)]).join("");
