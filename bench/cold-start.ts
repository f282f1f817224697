// Benchmark: cold start to a working prompt. Each run starts a new `liaison start` process on an existing database
// (first start, with migrations and demo seeding, excluded) and times how long until the answer to the first
// command (/whoami) is printed: an upper bound of the time to the prompt. Target (foundation issue): under 2 s.
// The database is the embedded one in a temporary directory, or PostgreSQL with DATABASE_URL=postgres://... (a
// temporary database per run unless BENCH_DB names one, see store.ts); ANALYZE runs after the first start's seeding.
// Run: node --import tsx bench/cold-start.ts [runs]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatPercentiles } from "./stats.js";
import { analyzeAfterSeeding, benchDatabase } from "./store.js";

const ROOT = new URL("..", import.meta.url).pathname;
const RUNS = Number(process.argv[2] ?? 10);
const directory = mkdtempSync(join(tmpdir(), "liaison-bench-start-"));
const database = await benchDatabase("start");
const configFile = join(directory, "liaison.yaml");
writeFileSync(configFile, "log:\n  level: warn\n");
// The started process finds its database as in production: through DATABASE_URL.
const databaseUrl = database.target.provider === "sqlite" ? `file:${database.target.url}` : database.target.url;
const env = { ...process.env, LIAISON_CONFIG: configFile, DATABASE_URL: databaseUrl };

/** Starts Liaison, sends /whoami, and resolves with the milliseconds until its answer and until the process exits. */
function run(): Promise<{ firstAnswerMs: number; exitMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstAnswerMs = 0;
    const child = spawn(process.execPath, [join(ROOT, "src/cli/liaison.mjs"), "start"], { cwd: ROOT, env, stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (firstAnswerMs === 0 && output.includes("You are")) {
        firstAnswerMs = performance.now() - started;
        child.stdin.end();
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0 || firstAnswerMs === 0) reject(new Error(`liaison exited with ${code}: ${output}`));
      else resolve({ firstAnswerMs, exitMs: performance.now() - started });
    });
    child.stdin.write("/whoami\n");
  });
}

try {
  const first = await run();
  console.log(`database: ${database.label}`);
  console.log(`first start (migrations, demo directory): ${first.firstAnswerMs.toFixed(0)} ms to the first answer (not counted)`);
  const seeded = await database.open();
  try {
    await analyzeAfterSeeding(seeded);
  } finally {
    await seeded.close();
  }
  const answers: number[] = [];
  const exits: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const { firstAnswerMs, exitMs } = await run();
    answers.push(firstAnswerMs);
    exits.push(exitMs);
  }
  console.log(formatPercentiles("cold start to first answer", answers));
  console.log(formatPercentiles("whole process (start, answer, exit)", exits));
} finally {
  rmSync(directory, { recursive: true, force: true });
  await database.dispose();
}
