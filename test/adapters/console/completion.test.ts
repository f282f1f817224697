// Tab completion in the interactive console: command names from the catalog, in the form being typed, after an
// optional "handle: " prefix; thread titles after "[".
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { CONSOLE_CHANNEL, createConsoleAdapter } from "../../../adapters/console/index.js";
import { commandCatalog } from "../../../src/commands/catalog.js";

function consoleAdapter() {
  return createConsoleAdapter({ input: new PassThrough(), output: new PassThrough(), interactive: true, actAs: "demo.coordinator", catalog: commandCatalog });
}

describe("console completion", () => {
  it("completes command groups and subcommands", () => {
    const adapter = consoleAdapter();
    expect(adapter.complete("/who")).toEqual([["/whoami "], "/who"]);
    const [contacts] = adapter.complete("/contacts ");
    expect(contacts).toContain("/contacts find ");
    expect(contacts).toContain("/contacts link ");
    expect(contacts.every((candidate) => candidate.startsWith("/contacts "))).toBe(true);
    expect(adapter.complete("/case a")[0].sort()).toEqual(["/case ack ", "/case answer "]);
    expect(adapter.complete("/nothing-like-this")[0]).toEqual([]);
  });

  it("keeps the form typed: no slash, Matrix's !, and a handle prefix", () => {
    const adapter = consoleAdapter();
    expect(adapter.complete("noti")).toEqual([["notice "], "noti"]);
    expect(adapter.complete("!noti")).toEqual([["!notice "], "!noti"]);
    expect(adapter.complete("jan.jansen: /case ac")).toEqual([["jan.jansen: /case ack "], "jan.jansen: /case ac"]);
  });

  it("completes the titles of the threads shown so far after [", async () => {
    const adapter = consoleAdapter();
    expect(adapter.complete("[")[0]).toEqual([]);
    for (const title of ["N-2026-0001 @ acme-hosting", "N-2026-0001 @ nl-iru", "R-2026-0001 @ acme-hosting"]) {
      await adapter.openThread({ channel: CONSOLE_CHANNEL, title, root: { text: "card" } }, { idempotencyKey: title });
    }
    expect(adapter.complete("[N-2026-0001")[0]).toEqual(["[N-2026-0001 @ acme-hosting] ", "[N-2026-0001 @ nl-iru] "]);
    expect(adapter.complete("sanne.devries: [R")[0]).toEqual(["sanne.devries: [R-2026-0001 @ acme-hosting] "]);
  });
});
