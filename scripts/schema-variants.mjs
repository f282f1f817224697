// The one Prisma schema, prisma/schema.prisma (provider "sqlite"), and the schema derived from it for each database.
// Used by scripts/prisma-generate.mjs (generating the clients) and src/store/migrate.ts (migrations, drift check),
// so that both always see the same derived text.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const rootDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Path of the source schema. */
export const sourceSchemaPath = join(rootDir, "prisma/schema.prisma");

/** The databases Liaison supports; each has its own generated client and migrations folder. */
export const providers = Object.freeze(["sqlite", "postgresql"]);

/** Reads the source schema. */
export function readSourceSchema() {
  return readFileSync(sourceSchemaPath, "utf8");
}

const datasourceProvider = /(datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*)"sqlite"/;
const generatorOutput = /(generator\s+\w+\s*\{[^}]*?\boutput\s*=\s*)"[^"]*"/;

/**
 * Derives the schema text for one provider from the source schema text: only the datasource's `provider` and the
 * client generator's `output` (src/store/generated/<provider>) change.
 */
export function schemaFor(provider, text = readSourceSchema()) {
  if (!providers.includes(provider)) throw new Error(`unknown database provider "${provider}"`);
  if (!datasourceProvider.test(text)) {
    throw new Error('prisma/schema.prisma: expected a datasource block with provider = "sqlite"');
  }
  if (!generatorOutput.test(text)) throw new Error("prisma/schema.prisma: expected a generator block with an output");
  return text
    .replace(datasourceProvider, `$1"${provider}"`)
    .replace(generatorOutput, (_, head) => `${head}${JSON.stringify(join(rootDir, "src/store/generated", provider))}`);
}
