import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";

// `prisma generate` never runs the schema engine, but the CLI downloads it first and the download
// host may be unreachable (offline CI, air-gapped builds). Pointing the engine variable at any
// existing file skips the download for generate only. Set PRISMA_NATIVE_ENGINE=1 to opt out.
const isGenerate = process.argv.includes("generate");
if (isGenerate && !process.env.PRISMA_SCHEMA_ENGINE_BINARY && process.env.PRISMA_NATIVE_ENGINE !== "1") {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.resolve(__dirname, "prisma", "schema.prisma");
}
if (!fs.existsSync(path.resolve(__dirname, "prisma", "schema.prisma"))) {
  throw new Error("prisma/schema.prisma is missing");
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
