import { hash, verify } from "@node-rs/argon2";

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot read). */
const ARGON2ID = 2;

/** OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane. */
export const ARGON2_PARAMS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same work as a real verification, for unknown users. Always false. */
  verifyDummy(password: string): Promise<false>;
}

export function createArgon2Hasher(): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const safeVerify = async (stored: string, password: string): Promise<boolean> => {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, ARGON2_PARAMS),
    verify: safeVerify,
    async verifyDummy(password) {
      dummy ??= hash("dummy-password-for-timing-parity", ARGON2_PARAMS);
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
