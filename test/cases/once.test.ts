// Commands and button presses from inbound events run and answer once, also when the platform delivers an event twice
// (one after the other, or at the same time): a command that changes something is claimed before it runs; a read-only
// one is claimed together with its record. Through the inbound handler, on both databases.
import { expect } from "vitest";
import type { InboundEvent } from "../../src/core/adapter.js";
import { describeOnBothDatabases, type CaseHarness } from "../support/cases.js";

const command = (userId: string, text: string, eventId: string): InboundEvent => ({
  type: "command",
  eventId,
  identity: { platform: "console", workspace: "", userId },
  text,
  where: { platform: "console", workspace: "", channelId: "console", isDirect: false },
});

/** The record entries of commands, as "subject result". */
async function commandEntries(h: CaseHarness): Promise<string[]> {
  const entries = await h.db.auditEntry.findMany({ where: { action: "command" }, orderBy: { seq: "asc" } });
  return entries.map((entry) => `${entry.subjectId} ${entry.result}`);
}

describeOnBothDatabases("inbound commands once", (harness, test) => {
  test("a read-only command delivered twice is answered and recorded once", async () => {
    const h = harness();
    const first = await h.handler(command("jan.jansen", "/whoami", "ev-1"));
    expect(first?.message.text).toContain("Jan Jansen");
    expect(await h.handler(command("jan.jansen", "/whoami", "ev-1"))).toBeUndefined();
    const together = await Promise.all([h.handler(command("jan.jansen", "/whoami", "ev-2")), h.handler(command("jan.jansen", "/whoami", "ev-2"))]);
    expect(together.filter((reply) => reply !== undefined)).toHaveLength(1);
    expect(await commandEntries(h)).toEqual(["whoami ok", "whoami ok"]);
    expect(await h.db.inboundEvent.count()).toBe(2);
  });

  test("a read-only command whose record cannot be written is not claimed either: its redelivery is answered", async () => {
    const h = harness();
    const failRecords = async (on: boolean) => {
      if (h.provider === "sqlite") {
        await h.db.$executeRawUnsafe(
          on ? `CREATE TRIGGER "test_fail_record" BEFORE INSERT ON "AuditPending" BEGIN SELECT RAISE(ABORT, 'injected fault'); END` : `DROP TRIGGER "test_fail_record"`,
        );
      } else if (on) {
        await h.db.$executeRawUnsafe(`CREATE FUNCTION test_fail_record() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql`);
        await h.db.$executeRawUnsafe(`CREATE TRIGGER "test_fail_record" BEFORE INSERT ON "AuditPending" FOR EACH ROW EXECUTE FUNCTION test_fail_record()`);
      } else {
        await h.db.$executeRawUnsafe(`DROP TRIGGER "test_fail_record" ON "AuditPending"`);
        await h.db.$executeRawUnsafe(`DROP FUNCTION test_fail_record()`);
      }
    };
    await failRecords(true);
    try {
      await expect(h.handler(command("jan.jansen", "/whoami", "ev-5"))).rejects.toThrow(/injected fault/);
    } finally {
      await failRecords(false);
    }
    expect(await h.db.inboundEvent.count()).toBe(0);
    expect((await h.handler(command("jan.jansen", "/whoami", "ev-5")))?.message.text).toContain("Jan Jansen");
    expect(await commandEntries(h)).toEqual(["whoami ok"]);
  });

  test("an unknown command delivered twice is answered and recorded once", async () => {
    const h = harness();
    expect((await h.handler(command("jan.jansen", "/whoamii", "ev-3")))?.message.text).toContain("Did you mean /whoami");
    expect(await h.handler(command("jan.jansen", "/whoamii", "ev-3"))).toBeUndefined();
    expect(await commandEntries(h)).toEqual(["(unknown) refused:unknown-command"]);
  });

  test("a command that changes something, delivered twice at the same time, runs once", async () => {
    const h = harness();
    const line = '/notice acme-hosting https://example.test/v/1 --reason "incites violence"';
    const replies = await Promise.all([h.handler(command("sanne.devries", line, "ev-4")), h.handler(command("sanne.devries", line, "ev-4"))]);
    const answered = replies.filter((reply) => reply !== undefined);
    expect(answered).toHaveLength(1);
    expect(answered[0]?.message.text).toContain("Opened N-2026-0001");
    expect(await h.db.case.count()).toBe(1);
    expect(await h.handler(command("sanne.devries", line, "ev-4"))).toBeUndefined();
    expect(await h.db.case.count()).toBe(1);
    expect(await commandEntries(h)).toEqual(["notice ok"]);
  });

  test("a button press delivered twice acts once", async () => {
    const h = harness();
    await h.ok("sanne.devries", '/notice acme-hosting https://example.test/v/2 --reason "incites violence"');
    const press: InboundEvent = {
      type: "action",
      eventId: "press-1",
      identity: { platform: "console", workspace: "", userId: "jan.jansen" },
      command: "/case ack N-2026-0001",
      values: {},
      where: { platform: "console", workspace: "", channelId: "console", isDirect: false },
    };
    expect((await h.handler(press))?.message.text).toContain("Acknowledged");
    expect(await h.handler(press)).toBeUndefined();
    expect((await commandEntries(h)).filter((entry) => entry.startsWith("case ack"))).toEqual(["case ack ok"]);
  });
});
