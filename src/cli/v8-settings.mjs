// The V8 settings of every Liaison process: the product's launcher (src/cli/liaison.mjs), the development launcher
// (scripts/liaison-dev.mjs, which the tests spawn) and bench/idle-rss.ts apply the same ones, by calling
// applyV8Settings first thing. Plain JavaScript, not compiled: the launcher imports it before it loads the build.
// Both are memory settings for a process that is idle most of the time; the figures are bench/idle-rss.ts's.
import v8 from "node:v8";

/**
 * Applies Liaison's V8 settings to this process. It must run before the first database query and before much is
 * allocated (both flags only steer what V8 does from then on).
 */
export function applyV8Settings() {
  // Prisma's query compiler is a 3 MB WebAssembly module. With V8's default tiering budget most of it is recompiled
  // by the optimising compiler within a second of the first queries: some 50 MB of machine code that stays resident.
  // A budget 50 times larger keeps all but really hot functions on the baseline compiler: idle RSS falls by about
  // that much, query times do not measurably change.
  v8.setFlagsFromString("--wasm-tiering-budget=100000000");
  // The young generation stays at V8's initial 1 MB semi-space instead of doubling up to 16 MB: start-up's
  // long-lived allocations (modules, the directory, the adapters' caches) grew it to the maximum within a second,
  // 32 MB of new space that stayed resident until V8's memory reducer ran, some 20 s after the last start-up
  // garbage collection. With every adapter enabled, idle RSS falls from 196-204 to 173-181 MB (five starts each);
  // start-up CPU (1.42-1.57 s against 1.49-1.60 s), the intake API's server CPU per report (bench/intake.ts,
  // 0.68-0.75 ms against 0.69-0.81 ms) and the CPU of bench/statements.ts (7.9-8.0 s against 7.7-8.2 s) do not
  // measurably change. (`--max-semi-space-size` does the same but is read only when the heap is set up, on the
  // command line; the growth factor is read at each growth, so it can be set here.)
  v8.setFlagsFromString("--semi-space-growth-factor=1");
}
