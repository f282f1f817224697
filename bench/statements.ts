// Benchmark: SQL statements and commits per operation, through the real inbound path (the handler createCore returns
// from attach(), called as an adapter calls it), on the embedded database (SQLite) or on PostgreSQL (DATABASE_URL;
// a temporary database per run unless BENCH_DB names one, see store.ts). Operations: opening a case (/notice), /case
// ack, a person's thread message relayed to two other parties, the read-only /whoami, and accepting an intake report
// (acceptIntakeReport, the path of every intake source) that opens an item and one that joins it.
//
// Statements are counted at the driver, below Prisma (every statement goes through the Prisma client):
// - SQLite: every execution of a better-sqlite3 statement (run, get, all, iterate) and every Database.exec, which
//   covers the Prisma adapter's statements (its BEGIN, and the COMMIT Prisma sends) and raw ones. The background
//   checkpoints run on their own connection in a worker thread and are not counted (they are not part of any
//   operation).
// - PostgreSQL: every pg Client.query (the pool's queries go through it), BEGIN and COMMIT included.
// "commits" counts the transactions that wrote or were committed: each COMMIT, plus each writing statement run outside
// a transaction (autocommit). "CPU ms p50" is the median CPU time (user + system) of this process during one operation,
// which a loaded machine inflates far less than wall time. Run: node --import tsx bench/statements.ts (BENCH_RUNS,
// default 20 of each operation; BENCH_OPEN_CASES, default 0: that many more open cases to the recipient before measuring).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { createCore } from "../src/app/app.js";
import { loadConfig } from "../src/config/load.js";
import { withUnreachedCeilings } from "./limits.js";
import type { InboundEvent, Reply } from "../src/core/adapter.js";
import { ManualClock } from "../src/core/clock.js";
import { newId } from "../src/core/ids.js";
import { acceptingPlatform } from "./accepting-platform.js";
import { importDirectory } from "../src/directory/import.js";
import { silentLogger } from "../src/log.js";
import { analyzeAfterSeeding, openBenchDatabase } from "./store.js";
import { TEST_KEYS } from "../test/support/keys.js";
import { acceptIntakeReportInStore } from "../src/intake/accept.js";
import { intakeReportSchema } from "../src/intake/report.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 3;
const ROOT = new URL("..", import.meta.url).pathname;

/** What kind of statement a SQL text is, by its first keyword. */
type StatementKind = "begin" | "commit" | "rollback" | "savepoint" | "read" | "write" | "other";

/** The statements seen during one operation. */
interface Tally {
  statements: number;
  reads: number;
  writes: number;
  /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE statements. */
  control: number;
  /** COMMIT statements. */
  explicitCommits: number;
  /** Writing statements run outside a transaction (each its own commit). */
  autocommitWrites: number;
  /** Every statement's text, in order (for BENCH_VERBOSE=1). */
  texts: string[];
  /** CPU time of this process (user + system) during the operation, in microseconds. */
  cpuMicros: number;
}

/** An empty tally. */
function emptyTally(): Tally {
  return { statements: 0, reads: 0, writes: 0, control: 0, explicitCommits: 0, autocommitWrites: 0, texts: [], cpuMicros: 0 };
}

/** The kind of a statement, from its text. */
function classify(sql: string): StatementKind {
  const text = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, "");
  const keyword = /^[A-Za-z]+/.exec(text)?.[0]?.toUpperCase() ?? "";
  if (keyword === "BEGIN" || (keyword === "START" && /^START\s+TRANSACTION/i.test(text))) return "begin";
  if (keyword === "COMMIT" || keyword === "END") return "commit";
  if (keyword === "ROLLBACK") return /^ROLLBACK\s+TO/i.test(text) ? "savepoint" : "rollback";
  if (keyword === "SAVEPOINT" || keyword === "RELEASE") return "savepoint";
  if (["INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "MERGE"].includes(keyword)) return "write";
  if (keyword === "WITH") return /\b(INSERT|UPDATE|DELETE)\b/i.test(text) ? "write" : "read";
  if (keyword === "SELECT" || keyword === "VALUES") return "read";
  return "other";
}

/** Counts statements while `active` is set. */
class StatementCounter {
  active: Tally | undefined;

  /** Notes one statement; `inTransaction` is whether it runs inside an open transaction. */
  note(sql: string, inTransaction: boolean, writes: boolean): void {
    const tally = this.active;
    if (!tally) return;
    const kind = classify(sql);
    tally.statements += 1;
    tally.texts.push(sql.replace(/\s+/g, " ").slice(0, Number(process.env.BENCH_TEXT_CHARS ?? 160)));
    if (kind === "read") tally.reads += 1;
    if (kind === "write" || (kind === "other" && writes)) tally.writes += 1;
    if (kind === "begin" || kind === "commit" || kind === "rollback" || kind === "savepoint") tally.control += 1;
    if (kind === "commit") tally.explicitCommits += 1;
    if (!inTransaction && (kind === "write" || (kind === "other" && writes))) tally.autocommitWrites += 1;
  }
}

const counter = new StatementCounter();

/** Wraps better-sqlite3's statement executions and Database.exec (the benchmark's own process only). */
function instrumentSqlite(): void {
  const probe = new Database(":memory:");
  const statementPrototype = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, unknown>;
  probe.close();
  for (const method of ["run", "get", "all", "iterate"]) {
    const original = statementPrototype[method] as (...args: unknown[]) => unknown;
    statementPrototype[method] = function (this: Database.Statement, ...args: unknown[]) {
      if (counter.active) {
        const writes = !this.reader && !/^\s*PRAGMA/i.test(this.source);
        counter.note(this.source, this.database.inTransaction, writes);
      }
      return original.apply(this, args);
    };
  }
  const databasePrototype = Database.prototype as unknown as Record<string, unknown>;
  const exec = databasePrototype.exec as (this: Database.Database, sql: string) => Database.Database;
  databasePrototype.exec = function (this: Database.Database, sql: string) {
    if (counter.active) counter.note(sql, this.inTransaction, false);
    return exec.call(this, sql);
  };
}

/** Wraps node-postgres's Client.query, following each connection's transaction state. */
function instrumentPostgres(): void {
  const clientPrototype = pg.Client.prototype as unknown as Record<string, unknown>;
  const query = clientPrototype.query as (...args: unknown[]) => unknown;
  const inTransaction = new WeakMap<object, boolean>();
  clientPrototype.query = function (this: object, ...args: unknown[]) {
    const [config] = args;
    const sql = typeof config === "string" ? config : typeof (config as { text?: unknown })?.text === "string" ? (config as { text: string }).text : "";
    const kind = classify(sql);
    const open = inTransaction.get(this) === true;
    counter.note(sql, open || kind === "commit", false);
    if (kind === "begin") inTransaction.set(this, true);
    if (kind === "commit" || kind === "rollback") inTransaction.set(this, false);
    return query.apply(this, args);
  };
}

instrumentSqlite();
instrumentPostgres();

const platform = acceptingPlatform();

const database = await openBenchDatabase("statements");
const { store } = database;
try {
  const clock = new ManualClock("2026-11-23T10:00:00Z");
  const imported = await importDirectory(store.db, clock, TEST_KEYS, readFileSync(join(ROOT, "config/demo-directory.yaml"), "utf8"), "yaml", { actor: "system", via: "bench" });
  if (!imported.ok) throw new Error("the demo directory did not import");
  await analyzeAfterSeeding(store);
  const core = createCore({ store, clock, keys: TEST_KEYS, logger: silentLogger(), loaded: withUnreachedCeilings(loadConfig({ rootDir: ROOT, env: {} })) });
  const handler = core.attach(platform);
  const runId = newId();
  let serial = 0;
  const channelOf: Record<string, string> = { "sanne.devries": "nl-iru", "jan.jansen": "acme-hosting" };

  /** Hands an event to the core as an adapter would; a command event's reply must not be a failure. */
  const send = async (event: InboundEvent): Promise<Reply | undefined> => {
    clock.advance(1000);
    return handler(event);
  };
  const command = async (handle: string, text: string): Promise<string> => {
    serial += 1;
    const reply = await send({
      type: "command", eventId: `bench-${runId}-${serial}`, text, identity: { platform: "console", workspace: "", userId: handle },
      where: { platform: "console", workspace: "", channelId: channelOf[handle] ?? "", isDirect: false },
    });
    const answer = reply?.message.text ?? "";
    if (!reply || answer.startsWith("✗")) throw new Error(`${handle}: ${text}: ${answer || "no reply"}`);
    return answer;
  };
  const openCase = async (label: string): Promise<string> => {
    const answer = await command("sanne.devries", `/notice acme-hosting https://example.test/bench/${label} --reason "incites violence" --basis "Art. 131 Sr"`);
    const reference = /Opened (N-\d{4}-\d{4,})/.exec(answer)?.[1];
    if (!reference) throw new Error(`no reference in: ${answer}`);
    return reference;
  };

  // The relay case: the opener's and the recipient's threads, and a third party's (a coordinator's desk).
  const relayReference = await openCase("relay");
  const relayCase = await store.db.case.findUniqueOrThrow({ where: { reference: relayReference } });
  const desk = await store.db.organisation.findFirstOrThrow({ where: { slug: "nl-coordination" } });
  await store.db.caseThread.create({ data: { id: newId(), caseId: relayCase.id, organisationId: desk.id, kind: "channel", platform: "console", channelId: "nl-coordination", title: `${relayReference} @ nl-coordination` } });
  await core.outbox.drain();
  const acmeThread = await store.db.caseThread.findFirstOrThrow({ where: { caseId: relayCase.id, title: `${relayReference} @ acme-hosting` } });
  // BENCH_OPEN_CASES: that many more open notices to acme-hosting, each with a URL of its own (copies of the relay
  // case, with their URL index rows), to show what a recipient with many open cases costs a new notice.
  const extraOpenCases = Number(process.env.BENCH_OPEN_CASES ?? 0);
  for (let start = 0; start < extraOpenCases; start += 500) {
    const { id: _id, reference: _reference, ...row } = relayCase;
    const batch = Array.from({ length: Math.min(500, extraOpenCases - start) }, (_, offset) => start + offset);
    const urlOf = (index: number) => `https://example.test/bench/open/${runId}/${index}`;
    await store.db.case.createMany({ data: batch.map((index) => ({ ...row, id: `bench-open-${index}`, reference: `N-1999-${String(index).padStart(6, "0")}`, fields: JSON.stringify({ urls: [urlOf(index)], reason: "incites violence" }) })) });
    await store.db.caseReminder.createMany({ data: batch.map((index) => ({ caseId: `bench-open-${index}` })) });
    await store.db.caseUrl.createMany({ data: batch.map((index) => ({ urlKey: urlOf(index), caseId: `bench-open-${index}`, recipientOrgId: row.recipientOrgId })) });
  }
  const relay = async (): Promise<void> => {
    serial += 1;
    const reply = await send({
      type: "message", eventId: `bench-${runId}-${serial}`, identity: { platform: "console", workspace: "", userId: "jan.jansen" }, text: `message ${serial}`,
      where: { platform: "console", workspace: "", channelId: "acme-hosting", threadId: acmeThread.threadId ?? "", isDirect: false },
    });
    if (reply) throw new Error(`not relayed: ${reply.message.text}`);
  };

  /** Runs `operation` with the counter on; anything it leaves running is counted if it ends within a few ms. */
  const counted = async (operation: () => Promise<unknown>): Promise<Tally> => {
    const tally = emptyTally();
    counter.active = tally;
    const cpuBefore = process.cpuUsage();
    try {
      await operation();
      const cpu = process.cpuUsage(cpuBefore);
      tally.cpuMicros = cpu.user + cpu.system;
      await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      counter.active = undefined;
    }
    return tally;
  };

  /** An X-ARF report about an address of acme-hosting's range; the same address twice is one item. */
  const intakeReport = async (address: string): Promise<void> => {
    const report = intakeReportSchema.parse({ source: "api", format: "xarf-v4", sourceReportId: newId(), category: "connection", type: "ddos", target: { ip: address }, occurredAt: clock.now(), summary: "bench" });
    const accepted = await acceptIntakeReportInStore(store, clock, TEST_KEYS, { report, receivedVia: "bench" });
    if (accepted.duplicate) throw new Error("a bench report was taken as a resend");
  };

  const results = new Map<string, Tally[]>();
  const record = (name: string, tally: Tally) => results.set(name, [...(results.get(name) ?? []), tally]);
  for (let run = 0; run < WARMUP + RUNS; run += 1) {
    let reference = "";
    const open = await counted(async () => (reference = await openCase(`open-${runId}-${run}`)));
    const ack = await counted(() => command("jan.jansen", `/case ack ${reference}`));
    const relayed = await counted(relay);
    const whoami = await counted(() => command("sanne.devries", "/whoami"));
    const address = `192.0.2.${run + 1}`;
    const intakeNew = await counted(() => intakeReport(address));
    const intakeJoin = await counted(() => intakeReport(address));
    // Delivery is not part of any operation (and keeps the outbox as production would).
    await core.outbox.drain();
    if (run < WARMUP) continue;
    record("open a case (/notice)", open);
    record("/case ack", ack);
    record("relay a thread message to 2 parties", relayed);
    record("/whoami (read-only)", whoami);
    record("intake report opening an item", intakeNew);
    record("intake report joining an open item", intakeJoin);
  }

  const provider = store.provider === "sqlite" ? "SQLite" : "PostgreSQL";
  const figure = (tallies: Tally[], pick: (tally: Tally) => number): string => {
    const values = tallies.map(pick);
    const low = Math.min(...values);
    const high = Math.max(...values);
    return low === high ? String(low) : `${low}-${high} (mean ${(values.reduce((sum, value) => sum + value, 0) / values.length).toFixed(1)})`;
  };
  console.log(`SQL statements per operation through the inbound handler, ${RUNS} of each (after ${WARMUP} warm-up), ${database.label}`);
  /** The median CPU time of the runs, in milliseconds (CPU is what load inflates least). */
  const cpuMedianMs = (tallies: Tally[]): string => {
    const sorted = tallies.map((tally) => tally.cpuMicros).sort((a, b) => a - b);
    return ((sorted[Math.floor(sorted.length / 2)] ?? 0) / 1000).toFixed(2);
  };
  console.log(`${"operation".padEnd(38)} | ${"statements".padEnd(10)} | ${"commits".padEnd(7)} | ${"CPU ms p50".padEnd(10)} | database`);
  console.log(`${"-".repeat(38)}-|-${"-".repeat(10)}-|-${"-".repeat(7)}-|-${"-".repeat(10)}-|-${"-".repeat(10)}`);
  for (const [name, tallies] of results) {
    const commits = figure(tallies, (tally) => tally.explicitCommits + tally.autocommitWrites);
    console.log(`${name.padEnd(38)} | ${figure(tallies, (tally) => tally.statements).padEnd(10)} | ${commits.padEnd(7)} | ${cpuMedianMs(tallies).padEnd(10)} | ${provider}`);
  }
  console.log("");
  console.log("detail: reads / writes / BEGIN-COMMIT-SAVEPOINT / COMMITs / autocommit writes");
  for (const [name, tallies] of results) {
    const parts = [
      figure(tallies, (tally) => tally.reads),
      figure(tallies, (tally) => tally.writes),
      figure(tallies, (tally) => tally.control),
      figure(tallies, (tally) => tally.explicitCommits),
      figure(tallies, (tally) => tally.autocommitWrites),
    ];
    console.log(`  ${name.padEnd(38)} ${parts.join(" / ")}`);
  }
  if (process.env.BENCH_VERBOSE === "1") {
    for (const [name, tallies] of results) {
      console.log(`\n${name}, last run:`);
      for (const text of tallies.at(-1)?.texts ?? []) console.log(`  ${text}`);
    }
  }
} finally {
  await database.close();
}
