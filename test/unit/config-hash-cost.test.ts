import { loadConfig } from "../../server/config";
import { problemsOf, productionEnv as production, tempDataDir as tempDir } from "../helpers/config-env";

const cost = (memoryKib: number, iterations: number) => ({ PASSWORD_HASH_MEMORY_KIB: String(memoryKib), PASSWORD_HASH_ITERATIONS: String(iterations) });

describe("password hash cost (PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_ITERATIONS)", () => {
  test("defaults to OWASP's baseline: 19456 KiB, 2 passes, in production and elsewhere", () => {
    expect(loadConfig(production()).passwordHashCost).toEqual({ memoryKib: 19_456, iterations: 2 });
    expect(loadConfig({ DATA_DIR: tempDir() }).passwordHashCost).toEqual({ memoryKib: 19_456, iterations: 2 });
  });

  test.each([
    [47_104, 1],
    [19_456, 2],
    [12_288, 3],
    [9_216, 4],
    [7_168, 5],
    [65_536, 3],
  ])("production accepts %p KiB x %p passes (at least one of OWASP's configurations)", (memoryKib, iterations) => {
    expect(loadConfig(production(cost(memoryKib, iterations))).passwordHashCost).toEqual({ memoryKib, iterations });
  });

  test.each([
    [1024, 1],
    [19_455, 2],
    [19_456, 1],
    [47_103, 1],
    [7_168, 4],
    [8, 1000],
  ])("production refuses %p KiB x %p passes, naming both variables and the minimums", (memoryKib, iterations) => {
    const problems = problemsOf(production(cost(memoryKib, iterations)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PASSWORD_HASH_MEMORY_KIB\/PASSWORD_HASH_ITERATIONS: .* below OWASP's argon2id minimum; refused when NODE_ENV=production/);
    expect(problems[0]).toContain("19456 KiB x 2");
  });

  test("one variable alone is judged with the other's default", () => {
    expect(problemsOf(production({ PASSWORD_HASH_MEMORY_KIB: "12288" }))).toHaveLength(1);
    expect(loadConfig(production({ PASSWORD_HASH_ITERATIONS: "3" })).passwordHashCost).toEqual({ memoryKib: 19_456, iterations: 3 });
  });

  test("outside production a cheap cost is accepted (tests use 1024 KiB x 1)", () => {
    for (const NODE_ENV of ["test", "development"]) {
      expect(loadConfig({ NODE_ENV, DATA_DIR: tempDir(), ...cost(1024, 1) }).passwordHashCost).toEqual({ memoryKib: 1024, iterations: 1 });
    }
  });

  test("below argon2's own minimum (8 KiB, 1 pass) or not a number is refused everywhere", () => {
    expect(problemsOf({ DATA_DIR: tempDir(), ...cost(7, 1) })).toEqual([expect.stringMatching(/^PASSWORD_HASH_MEMORY_KIB: /)]);
    expect(problemsOf({ DATA_DIR: tempDir(), ...cost(1024, 0) })).toEqual([expect.stringMatching(/^PASSWORD_HASH_ITERATIONS: /)]);
    expect(problemsOf(production({ PASSWORD_HASH_MEMORY_KIB: "lots" }))).toEqual([expect.stringMatching(/^PASSWORD_HASH_MEMORY_KIB: /)]);
  });
});
