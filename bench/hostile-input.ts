// Benchmark: hostile input is answered quickly (issue "Trust", item 5: "100,000-character inputs answered in well
// under 50 ms"). Each input goes the whole way a platform's event goes through the core: the dispatcher (length cap,
// grammar, suggestions, permission check, the record entry, one transaction) on a migrated database with the demo
// directory; and each adapter's own text code for 100,000-character bodies (Matrix command and pill detection, Slack
// markup to plain text, each platform's renderer, the console's). Prints p50, p95 and max per input beside the
// target. Run: `node --import tsx bench/hostile-input.ts` (SQLite), with DATABASE_URL=postgres://... for PostgreSQL.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderForConsole } from "../adapters/console/render.js";
import { inertMarkdown, renderMessage as renderDiscord } from "../adapters/discord/render.js";
import { classifyMessage } from "../adapters/matrix/inbound.js";
import { renderHtml, renderPlain } from "../adapters/matrix/render.js";
import { slackTextToPlain } from "../adapters/slack/inbound.js";
import { renderMessage as renderSlack } from "../adapters/slack/render.js";
import { createCore } from "../src/app/app.js";
import { loadConfig } from "../src/config/load.js";
import { ManualClock } from "../src/core/clock.js";
import { quotedBody } from "../src/core/text.js";
import { importDirectory } from "../src/directory/import.js";
import { silentLogger } from "../src/log.js";
import { TEST_KEYS } from "../test/support/keys.js";
import { withUnreachedCeilings } from "./limits.js";
import { percentiles } from "./stats.js";
import { analyzeAfterSeeding, openBenchDatabase } from "./store.js";

const ROOT = new URL("..", import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const TARGET_MS = 50;
const N = 100_000;

/** Hostile command lines, each as long as the input allows (100,000 characters, or just under the 20,000 cap). */
const LINES: readonly (readonly [string, string])[] = [
  ["100,000-character line (refused at the cap)", `/contacts find ${"a".repeat(N)}`],
  ["19,990 chars of b' (quotes)", `/contacts find ${"b'".repeat(9_995)}`],
  ["19,990 chars of \"a (open quotes)", `/contacts find ${'"a'.repeat(9_995)}`],
  ["19,990 chars of \\a (escapes)", `/contacts find ${"\\a".repeat(9_995)}`],
  ["4,990 empty options (--a )", `/contacts find ${"--a ".repeat(4_990)}`],
  ["19,990-char unknown command", `/${"x".repeat(19_990)}`],
  ["19,950-char unknown option", `/contacts find acme --${"y".repeat(19_950)} 1`],
  ["19,990 chars of mention syntax to relay", `/case say N-2026-0001 ${"<!channel> @everyone @room <@U1> ".repeat(600)}`],
  ["19,990 chars of bidi and controls in a name", `/contacts edit eva.mulder --name "${"\u202E\u001b]52;c;x\u0007".repeat(1_800)}"`],
];

/** Adapter text code on 100,000-character bodies. */
const bidi = "\u202Eevil\u2066\u200B\u001b[2J".repeat(N / 10);
const pillBody = `<a href="https://matrix.to/#/@liaison:example.org">${"L".repeat(N)}`;
const ADAPTER: readonly (readonly [string, () => unknown])[] = [
  ["Matrix: 100,000-char pill without its end", () => classifyMessage("@x:example.org", { msgtype: "m.text", body: "L".repeat(N), formatted_body: pillBody, format: "org.matrix.custom.html" }, { botUserId: "@liaison:example.org", prefix: "!", isDirect: false, isCaseRoom: false })],
  ["Matrix: 100,000 chars rendered (plain + HTML)", () => [renderPlain({ text: bidi }, "!"), renderHtml({ text: bidi }, "!")]],
  ["Slack: 100,000 chars of <@U1|x> markup to plain", () => slackTextToPlain("<@U1|x> <!channel> <http://a.example|b> ".repeat(N / 40))],
  ["Slack: 100,000 chars rendered", () => renderSlack({ text: `<!channel> ${bidi}` }, { maxParts: 10 })],
  ["Discord: 100,000 chars made inert and rendered", () => [inertMarkdown(`[x](https://evil.example) <@1> ${bidi}`), renderDiscord({ text: bidi }, { maxParts: 10 })]],
  ["Relay body: 100,000 chars with line breaks quoted", () => quotedBody("Name (Org): forged\n".repeat(N / 20))],
  ["Console: 100,000 chars of escapes rendered", () => renderForConsole({ text: bidi })],
];

/** Prints one row: percentiles of `samplesMs` beside the target. */
function row(label: string, samplesMs: number[]): void {
  const { p50, p95, max } = percentiles(samplesMs);
  const verdict = p95 < TARGET_MS ? "met" : "MISSED";
  console.log(`${label.padEnd(50)} p50 ${p50.toFixed(2).padStart(7)} ms  p95 ${p95.toFixed(2).padStart(7)} ms  max ${max.toFixed(2).padStart(7)} ms  (target p95 < ${TARGET_MS} ms: ${verdict})`);
}

const database = await openBenchDatabase("hostile");
const { store } = database;
try {
  const clock = new ManualClock("2026-11-23T10:00:00Z");
  const imported = await importDirectory(store.db, clock, TEST_KEYS, readFileSync(join(ROOT, "config/demo-directory.yaml"), "utf8"), "yaml", { actor: "system", via: "bench" });
  if (!imported.ok) throw new Error("the demo directory did not import");
  await analyzeAfterSeeding(store);
  const core = createCore({ store, clock, keys: TEST_KEYS, logger: silentLogger(), loaded: withUnreachedCeilings(loadConfig({ rootDir: ROOT, env: {} })) });
  const coordinator = { identity: { platform: "console" as const, workspace: "", userId: "demo.coordinator" }, contact: await core.directory.actorByHandle("demo.coordinator") };
  await core.dispatcher.run(coordinator, "/notice acme-hosting https://example.test/v/1 --reason bench");
  console.log(`Hostile input, ${RUNS} runs each, on ${database.label}`);
  console.log("Through the dispatcher (one transaction per line, as a platform event):");
  for (const [label, line] of LINES) {
    await core.dispatcher.run(coordinator, line); // warm-up
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const startMs = performance.now();
      await core.dispatcher.run(coordinator, line);
      samples.push(performance.now() - startMs);
    }
    row(label, samples);
  }
  console.log("In the adapters (no database):");
  for (const [label, work] of ADAPTER) {
    work();
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const startMs = performance.now();
      work();
      samples.push(performance.now() - startMs);
    }
    row(label, samples);
  }
} finally {
  await database.close();
}
