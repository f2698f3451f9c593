/** The cost of an argon2id hash (one lane): memory in KiB (`m=`) and passes (`t=`). */
export interface Argon2Cost {
  memoryKib: number;
  iterations: number;
}

/** OWASP's baseline (Password Storage Cheat Sheet): 19 MiB, 2 passes. The server's default. */
export const DEFAULT_ARGON2_COST: Readonly<Argon2Cost> = { memoryKib: 19_456, iterations: 2 };

/** OWASP's argon2id configurations of equal strength (one lane); less memory needs more passes. */
export const OWASP_ARGON2ID_MINIMUMS: readonly Readonly<Argon2Cost>[] = [
  { memoryKib: 47_104, iterations: 1 },
  { memoryKib: 19_456, iterations: 2 },
  { memoryKib: 12_288, iterations: 3 },
  { memoryKib: 9_216, iterations: 4 },
  { memoryKib: 7_168, iterations: 5 },
];

/** True when `cost` spends at least the memory and passes of one of OWASP's configurations. */
export function meetsOwaspMinimum(cost: Argon2Cost): boolean {
  return OWASP_ARGON2ID_MINIMUMS.some((min) => cost.memoryKib >= min.memoryKib && cost.iterations >= min.iterations);
}
