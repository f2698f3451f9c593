import fs from "node:fs";
import path from "node:path";
import { openApiYaml } from "./openapi/generate";

/** `npm run openapi`: writes docs/openapi.yaml from the route table and the zod schemas. */
const target = path.resolve(__dirname, "..", "docs", "openapi.yaml");
fs.writeFileSync(target, openApiYaml());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
