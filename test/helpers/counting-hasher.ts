import { createArgon2Hasher, type PasswordHasher } from "../../server/modules/auth/password-hasher";
import { testHashCost } from "./hash-cost";

export interface CountingHasher {
  /** Pass as `start: { hasher }` to startTestServer. */
  hasher: PasswordHasher;
  counts: { hash: number; verify: number; verifyDummy: number };
  /** argon2 verifications spent so far: real ones plus dummy ones. */
  verifications(): number;
}

/** The real argon2id hasher (at the test cost), wrapped to count how much work each request spends. */
export function countingHasher(inner: PasswordHasher = createArgon2Hasher(testHashCost())): CountingHasher {
  const counts = { hash: 0, verify: 0, verifyDummy: 0 };
  return {
    counts,
    verifications: () => counts.verify + counts.verifyDummy,
    hasher: {
      hash(password) {
        counts.hash += 1;
        return inner.hash(password);
      },
      verify(hash, password) {
        counts.verify += 1;
        return inner.verify(hash, password);
      },
      verifyDummy(password) {
        counts.verifyDummy += 1;
        return inner.verifyDummy(password);
      },
    },
  };
}

/** How many argon2 verifications `fn` spends. */
export async function verificationsDuring(counter: CountingHasher, fn: () => Promise<unknown>): Promise<number> {
  const before = counter.verifications();
  await fn();
  return counter.verifications() - before;
}
