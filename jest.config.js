/** @type {import('jest').Config} */
const swc = [
  "@swc/jest",
  {
    jsc: { target: "es2022", parser: { syntax: "typescript" } },
    module: { type: "commonjs" },
  },
];

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.(ts|js|mjs|cjs)$": swc },
  // rou3 (Colyseus' router) is ESM-only, and PGlite's CommonJS build loads Node builtins with
  // import(), which Jest's CommonJS runtime refuses: let swc turn both into plain CommonJS.
  transformIgnorePatterns: ["/node_modules/(?!(rou3|@electric-sql/pglite)/)"],
  // Prisma's generated client imports its own .ts files with .js extensions.
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  globalSetup: "<rootDir>/test/helpers/global-setup.ts",
  globalTeardown: "<rootDir>/test/helpers/global-teardown.ts",
  // Checks every lobby message test clients received against its schema (test/helpers/protocol-check.ts).
  setupFilesAfterEnv: ["<rootDir>/test/helpers/protocol-setup.ts"],
  testTimeout: 30_000,
  // Names a test file that runs far past any timeout (a blocked worker) and fails the run fast.
  reporters: ["default", ["<rootDir>/test/helpers/hang-watch-reporter.js", { warnSeconds: 180, limitSeconds: 600 }]],
  maxWorkers: 2,
  // A worker holds GBs of heap by the end of a run (each file's module registry: PGlite, Colyseus,
  // Prisma) and takes longer than Jest's default 500 ms to exit, which Jest then reports as "failed
  // to exit gracefully". Probed: no file leaves a handle behind (process.getActiveResourcesInfo()
  // at every file's start and 0.3 s / 1.5 s after its end); with a longer wait the warning is gone.
  workerGracefulExitTimeout: 5000,
};
