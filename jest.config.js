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
};
