// Generates the Prisma clients for both databases from the one schema, prisma/schema.prisma.
// The PostgreSQL schema is derived (provider and output differ, nothing else; see schema-variants.mjs), so the two
// cannot drift.
//
// Each client then loads Prisma's query compiler from a binary file written beside it, instead of from the base64
// module Prisma ships (@prisma/client/runtime/query_compiler_fast_bg.<provider>.wasm-base64.mjs): an imported module
// stays loaded, and with it its 4.3 MB source and the 4.3 MB string it exports, for as long as the process runs.
// Read from the binary, the 3.3 MB of bytes are garbage once compiled: 8.5 MB less live heap in the every-adapter
// start of bench/idle-rss.ts (after a full collection). scripts/build.mjs copies the file into dist/.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { providers, rootDir, schemaFor } from "./schema-variants.mjs";

/** The query compiler's file name beside each generated client's internal/class.ts. */
const QUERY_COMPILER_FILE = "query_compiler_fast_bg.wasm";

/** Rewrites the generated class.ts of `provider` to read the query compiler from QUERY_COMPILER_FILE, and writes it. */
function loadQueryCompilerFromFile(provider) {
  const internal = join(rootDir, "src/store/generated", provider, "internal");
  const classFile = join(internal, "class.ts");
  const base64Module = `@prisma/client/runtime/query_compiler_fast_bg.${provider}.wasm-base64.mjs`;
  const generated = `  getQueryCompilerWasmModule: async () => {
    const { wasm } = await import("${base64Module}")
    return await decodeBase64AsWasm(wasm)
  },`;
  const text = readFileSync(classFile, "utf8");
  if (!text.includes(generated)) {
    throw new Error(`${classFile}: the query compiler is not loaded as scripts/prisma-generate.mjs expects (a new Prisma version?); update loadQueryCompilerFromFile`);
  }
  const patched = `  // Read from the binary beside this file, written by scripts/prisma-generate.mjs (see there why).
  getQueryCompilerWasmModule: async () => {
    const { readFile } = await import("node:fs/promises")
    return new WebAssembly.Module(await readFile(new URL("./${QUERY_COMPILER_FILE}", import.meta.url)))
  },`;
  // The base64 module is `const wasm = "<base64>"; export { wasm }`: its string, decoded.
  const source = readFileSync(createRequire(join(rootDir, "package.json")).resolve(base64Module), "latin1");
  const base64 = /^const wasm = "([A-Za-z0-9+/=]+)"/.exec(source)?.[1];
  if (!base64) throw new Error(`${base64Module}: not the base64 module scripts/prisma-generate.mjs expects`);
  writeFileSync(join(internal, QUERY_COMPILER_FILE), Buffer.from(base64, "base64"));
  writeFileSync(classFile, text.replace(generated, patched));
}

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
  loadQueryCompilerFromFile(provider);
}
