// Generates the Prisma clients for both databases from the one schema, prisma/schema.prisma.
// The PostgreSQL schema is derived (provider and output differ, nothing else), so the two cannot drift.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = readFileSync(join(root, "prisma/schema.prisma"), "utf8");
const outDir = join(root, "node_modules/.liaison/prisma");
mkdirSync(outDir, { recursive: true });

/** Derives the schema text for one provider from the source schema. */
export function schemaFor(provider, text = source) {
  return text
    .replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`)
    .replace(/output\s*=\s*"[^"]*"/, `output = "${join(root, "src/store/generated", provider)}"`);
}

const engine = join(root, "scripts/no-schema-engine.sh");
for (const provider of ["sqlite", "postgresql"]) {
  const file = join(outDir, `schema.${provider}.prisma`);
  writeFileSync(file, schemaFor(provider));
  execFileSync(process.execPath, [join(root, "node_modules/prisma/build/index.js"), "generate", "--schema", file], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
  });
}
