// Generates the Prisma clients for both databases from the one schema, prisma/schema.prisma.
// The PostgreSQL schema is derived (provider and output differ, nothing else; see schema-variants.mjs), so the two
// cannot drift.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { providers, rootDir, schemaFor } from "./schema-variants.mjs";

const outDir = join(rootDir, "node_modules/.liaison/prisma");
mkdirSync(outDir, { recursive: true });

const engine = join(rootDir, "scripts/no-schema-engine.sh");
for (const provider of providers) {
  const file = join(outDir, `schema.${provider}.prisma`);
  writeFileSync(file, schemaFor(provider));
  execFileSync(process.execPath, [join(rootDir, "node_modules/prisma/build/index.js"), "generate", "--schema", file], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
  });
}
