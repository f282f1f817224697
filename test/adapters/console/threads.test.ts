// The console resolves what the operator types in brackets to the thread it opened: the full label, or a case
// reference when that case has exactly one thread here; otherwise it says which labels there are.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { CONSOLE_THREADS_KEY, createConsoleAdapter } from "../../../adapters/console/index.js";
import type { InboundEvent } from "../../../src/core/adapter.js";
import { MemoryStateStore } from "../../support/memory-state.js";
import { commandCatalog } from "../../../src/commands/catalog.js";

const CASES = { platform: "console" as const, workspace: "", channelId: "cases" };

/** A scripted console whose lines are typed by `run`; resolves with what was printed and what reached the core. */
async function session(lines: string[], options: { state?: MemoryStateStore; open?: string[]; catalog?: boolean } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const adapter = createConsoleAdapter({ input, output, interactive: false, actAs: "demo.coordinator", ...(options.state ? { state: options.state } : {}), ...(options.catalog ? { catalog: commandCatalog } : {}) });
  const events: InboundEvent[] = [];
  for (const title of options.open ?? []) await adapter.openThread({ channel: CASES, title, root: { text: `card ${title}` } }, { idempotencyKey: title });
  await adapter.start(async (event) => {
    events.push(event);
    return event.type === "message" ? { message: { text: `✗ Not relayed: ${event.text}` }, delivery: "ephemeral" } : undefined;
  });
  input.end([...lines, ""].join("\n"));
  const handled = await adapter.finished;
  return { printed: printed.split("\n"), events, handled, adapter };
}

describe("console threads", () => {
  it("stops reading at exit: lines after it are not run", async () => {
    const { events, handled } = await session(["/whoami", "exit", "/help", "jan.jansen: /contacts find acme"]);
    expect(events.map((event) => ("text" in event ? event.text : event.type))).toEqual(["/whoami"]);
    expect(handled).toBe(1);
  });

  it("leaves at exit at a terminal: the input stays paused, so the process can end", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const adapter = createConsoleAdapter({ input, output, interactive: true, actAs: "demo.coordinator" });
    const events: InboundEvent[] = [];
    await adapter.start(async (event) => {
      events.push(event);
      return undefined;
    });
    input.write("/whoami\r");
    input.write("exit\r");
    await adapter.finished;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A prompt shown after closing resumed the input, which kept the terminal (and Liaison) waiting.
    expect(input.isPaused()).toBe(true);
    expect(events.map((event) => ("text" in event ? event.text : event.type))).toEqual(["/whoami"]);
  });

  it("cuts a trailing # comment from a command line, never from a message", async () => {
    const { events } = await session(
      [
        "/contacts find 192.0.2.44   # who is responsible for this address?",
        "contacts find acme #",
        '/contacts find "a # b" # quoted text is kept',
        "/contacts find issue#12 #12",
        "# a whole comment line",
        "jan.jansen: /case say N-2026-0001 C:\\temp\\x   two  --spaces  # kept, it is a message",
        "jan.jansen: [N-2026-0001 @ acme-hosting] see   C:\\temp # kept too",
      ],
      { open: ["N-2026-0001 @ acme-hosting"], catalog: true },
    );
    expect(events.map((event) => ("text" in event ? event.text : event.type))).toEqual([
      "/contacts find 192.0.2.44",
      "/contacts find acme",
      '/contacts find "a # b"',
      "/contacts find issue#12 #12",
      "/case say N-2026-0001 C:\\temp\\x   two  --spaces  # kept, it is a message",
      "see   C:\\temp # kept too",
    ]);
  });

  it("hands a message typed with a full label to the core at the thread's real address", async () => {
    const { events } = await session(["jan.jansen: [N-2026-0001 @ acme-hosting] We are on it."], { open: ["N-2026-0001 @ acme-hosting", "N-2026-0001 @ nl-iru"] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "message", text: "We are on it.", where: { ...CASES, threadId: "N-2026-0001 @ acme-hosting", isDirect: false } });
  });

  it("takes a case reference for the case's one thread here", async () => {
    const { events, printed } = await session(["jan.jansen: [n-2026-0001] Thanks."], { open: ["N-2026-0001 @ acme-hosting", "R-2026-0001 @ acme-hosting"] });
    expect(events.map((event) => event.where.threadId)).toEqual(["N-2026-0001 @ acme-hosting"]);
    expect(printed).toContain("[N-2026-0001 @ acme-hosting] jan.jansen: Thanks.");
    // The core's answer to a thread message goes to its writer, never into the thread.
    expect(printed).toContain("jan.jansen> ✗ Not relayed: Thanks.");
  });

  it("answers, instead of guessing, when a reference has several threads here or none", async () => {
    const { events, printed, handled } = await session(["jan.jansen: [N-2026-0001] Which one?", "jan.jansen: [N-2026-0099] Anyone?"], {
      open: ["N-2026-0001 @ acme-hosting", "N-2026-0001 @ nl-iru"],
    });
    expect(events).toEqual([]);
    expect(handled).toBe(2);
    expect(printed).toContain("jan.jansen> ✗ [N-2026-0001] has 2 threads here: [N-2026-0001 @ acme-hosting], [N-2026-0001 @ nl-iru]. Write in one of them, e.g. [N-2026-0001 @ acme-hosting] your text");
    expect(printed).toContain("jan.jansen> ✗ No thread [N-2026-0099] here. Open threads: [N-2026-0001 @ acme-hosting], [N-2026-0001 @ nl-iru]");
  });

  it("says so when no thread is open at all", async () => {
    const { events, printed } = await session(["[N-2026-0001 @ acme-hosting] hello"]);
    expect(events).toEqual([]);
    expect(printed).toContain("✗ No thread [N-2026-0001 @ acme-hosting] here: no case thread is open in this console yet.");
  });

  it("remembers the threads it opened in the state store, for the next session", async () => {
    const state = new MemoryStateStore();
    await session([], { state, open: ["N-2026-0001 @ acme-hosting"] });
    expect(JSON.parse(state.values.get(CONSOLE_THREADS_KEY) ?? "[]")).toEqual([{ workspace: "", channelId: "cases", threadId: "N-2026-0001 @ acme-hosting" }]);
    const { events } = await session(["jan.jansen: [N-2026-0001] Still there?"], { state });
    expect(events.map((event) => event.where)).toEqual([{ ...CASES, threadId: "N-2026-0001 @ acme-hosting", isDirect: false }]);
  });
});
