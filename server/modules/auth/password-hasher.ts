import { hash, verify } from "@node-rs/argon2";
import { DEFAULT_ARGON2_COST, type Argon2Cost } from "./argon2-cost";

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot read). */
const ARGON2ID = 2;

/** @node-rs/argon2 options for `cost`, one lane. */
export function argon2Params(cost: Argon2Cost) {
  return { algorithm: ARGON2ID, memoryCost: cost.memoryKib, timeCost: cost.iterations, parallelism: 1 } as const;
}

/** OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane (the server's default). */
export const ARGON2_PARAMS = argon2Params(DEFAULT_ARGON2_COST);

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same work as a real verification, for unknown users. Always false. */
  verifyDummy(password: string): Promise<false>;
}

/**
 * New hashes (and the dummy one) at `cost`; verification reads the cost from the stored hash, so
 * hashes made at another cost keep verifying.
 */
export function createArgon2Hasher(cost: Argon2Cost = DEFAULT_ARGON2_COST): PasswordHasher {
  const params = argon2Params(cost);
  let dummy: Promise<string> | undefined;
  const safeVerify = async (stored: string, password: string): Promise<boolean> => {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, params),
    verify: safeVerify,
    async verifyDummy(password) {
      dummy ??= hash("dummy-password-for-timing-parity", params);
      await safeVerify(await dummy, password);
      return false;
    },
  };
}

/**
 * `inner` with every hash and verification run through `admit` (e.g. the login admission gate), for
 * callers that hash outside AuthService (the operator login). Never wrap the hasher AuthService
 * uses: it admits its own attempts, and entering one gate twice can wait for itself.
 */
export function admittedHasher(inner: PasswordHasher, admit: <T>(operation: () => Promise<T>) => Promise<T>): PasswordHasher {
  return {
    hash: (password) => admit(() => inner.hash(password)),
    verify: (stored, password) => admit(() => inner.verify(stored, password)),
    verifyDummy: (password) => admit(() => inner.verifyDummy(password)),
  };
}
