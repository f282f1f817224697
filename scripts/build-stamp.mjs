// The build stamp: a hash of everything the compiled build (dist/) is made from. scripts/build.mjs writes it into
// dist/build-stamp.json after a successful build; the launcher (src/cli/liaison.mjs) recomputes it at every start
// (about 140 small files, a few milliseconds) and refuses to run a build whose sources changed since: after a
// `git pull`, a branch switch or an edit, without `npm ci` or `npm run build`.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The build's directory, relative to the repository's root (git-ignored). */
export const BUILD_DIR = "dist";
/** The stamp's file name inside BUILD_DIR. */
export const STAMP_FILE = "build-stamp.json";

// What the build is made from: the compiled trees (without tests and the generated Prisma clients, which follow
// from prisma/schema.prisma and the locked Prisma version), and the files that steer the build.
const TREES = ["src", "adapters"];
const FILES = [
  "package-lock.json",
  "tsconfig.json",
  "prisma/schema.prisma",
  "scripts/tsconfig.build.json",
  "scripts/build.mjs",
  "scripts/build-stamp.mjs",
  "scripts/prisma-generate.mjs",
  "scripts/schema-variants.mjs",
];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;
// The launcher (src/cli/liaison.mjs) and the V8 settings it applies (src/cli/v8-settings.mjs) are not compiled: the
// launcher reads the stamp.
const SKIPPED = /^src\/store\/generated\/|^src\/cli\/(liaison|v8-settings)\.mjs$|\.test\.ts$/;

/** The build's inputs, relative to `rootDir` with "/" separators, sorted. */
export function buildInputs(rootDir) {
  const files = FILES.filter((file) => existsSync(join(rootDir, file)));
  const walk = (directory) => {
    for (const entry of readdirSync(join(rootDir, directory), { withFileTypes: true })) {
      const file = `${directory}/${entry.name}`;
      if (SKIPPED.test(entry.isDirectory() ? `${file}/` : file)) continue;
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && SOURCE.test(entry.name)) files.push(file);
    }
  };
  for (const tree of TREES) if (existsSync(join(rootDir, tree))) walk(tree);
  return files.sort();
}

/** The stamp of the sources as they are now: one hash per input and one over all of them. */
export function computeStamp(rootDir) {
  const files = {};
  const all = createHash("sha256");
  for (const file of buildInputs(rootDir)) {
    const hash = createHash("sha256").update(readFileSync(join(rootDir, file))).digest("hex").slice(0, 16);
    files[file] = hash;
    all.update(`${file}\0${hash}\n`);
  }
  return { hash: all.digest("hex"), files };
}

/** Reads the stamp of the build in `rootDir`/dist, or undefined when there is no (complete) build. */
export function readStamp(rootDir) {
  try {
    return JSON.parse(readFileSync(join(rootDir, BUILD_DIR, STAMP_FILE), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Why the compiled build in `rootDir` must not run, or undefined when it matches the sources. The message names
 * what changed and the command that fixes it.
 */
export function buildProblem(rootDir) {
  const stamp = readStamp(rootDir);
  if (stamp === undefined || typeof stamp.hash !== "string") {
    return `Liaison is not built (no ${BUILD_DIR}/${STAMP_FILE}; the install did not finish, or its build failed).\nRun \`npm ci\` (or \`npm run build\`).`;
  }
  const now = computeStamp(rootDir);
  if (now.hash === stamp.hash) return undefined;
  const before = stamp.files ?? {};
  const changed = [...new Set([...Object.keys(before), ...Object.keys(now.files)])].filter((file) => before[file] !== now.files[file]).sort();
  const shown = changed.slice(0, 5).join(", ") + (changed.length > 5 ? ` and ${changed.length - 5} more` : "");
  return `The compiled build in ${BUILD_DIR}/ is out of date: the sources changed since it was built (${shown || "build settings"}).\nRun \`npm ci\` (or \`npm run build\`), then start again.`;
}
