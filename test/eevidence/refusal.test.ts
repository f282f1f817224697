// The enforcing authority's refusal names its grounds from the closed list of Regulation (EU) 2023/1543 Art. 12(1),
// points (a) to (d), on both databases: required with a refusal, stored, shown to every party's thread, recorded;
// hostile reasons refused or shown inert; every other party refused.
import { describe, expect, test as unit } from "vitest";
import { renderMessage } from "../../adapters/slack/render.js";
import { renderForConsole } from "../../adapters/console/render.js";
import type { PlatformIdentity } from "../../src/core/adapter.js";
import { parseRefusalGrounds, refusalGroundsOf } from "../../src/cases/eevidence/refusal.js";
import { describeOnBothDatabases, type CaseHarness } from "../support/cases.js";
import { withAuthorities } from "./support.js";

const CONTENT = '--category content --target "@example_user" --issuer-file "RB 2026/9" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-rechtbank" --from 2026-10-01T00:00:00+02:00 --to 2026-11-01T00:00:00+01:00';
const UNLINKED: PlatformIdentity = { platform: "slack", workspace: "T0TEST", userId: "U0NOBODY" };
const REFUSE = "/eevidence enforcing P-2026-0001 --decision refuse";

/** One content order to Chirp Social (Germany), notified to the German enforcing authority, received. */
async function notifiedOrder(h: CaseHarness): Promise<void> {
  await withAuthorities(h);
  h.clock.set("2026-11-20T09:00:00+01:00");
  await h.ok("ria.smit", `/eevidence order chirp-social ${CONTENT} --enforcing de-justiz`);
  await h.drain();
  h.clock.set("2026-11-23T10:00:00+01:00");
}

async function stored(h: CaseHarness) {
  return h.db.evidenceOrder.findFirstOrThrow({ select: { enforcingRefusedAt: true, enforcingGrounds: true, enforcingRefusalPoints: true, enforcingConfirmedAt: true } });
}

describeOnBothDatabases("e-Evidence: the grounds for refusal of Art. 12(1)", (harness, test) => {
  test("a refusal names its ground(s) from the closed list; without one, or with another, it is refused and nothing is stored", async () => {
    const h = harness();
    await notifiedOrder(h);
    for (const line of [
      `${REFUSE} --reasons "not an offence under German law"`,
      `${REFUSE} --ground "" --reasons "not an offence under German law"`,
      `${REFUSE} --ground security-interests --reasons "a ground of the EIO Directive, not of this Regulation"`,
      `${REFUSE} --ground dual-criminality,<!channel> --reasons "one good, one not"`,
      `${REFUSE} --ground dual-criminality`,
      "/eevidence enforcing P-2026-0001 --decision confirm --ground dual-criminality",
    ]) {
      const answer = await h.run("klaus.richter", line);
      expect(answer.failure, line).toBe("bad-arguments");
      expect(answer.message.text, line).not.toMatch(/<!channel>|security-interests/);
    }
    expect(await stored(h)).toEqual({ enforcingRefusedAt: null, enforcingGrounds: null, enforcingRefusalPoints: null, enforcingConfirmedAt: null });
    // The refusal without a ground lists the four grounds.
    expect((await h.run("klaus.richter", `${REFUSE} --reasons "not an offence under German law"`)).message.text).toMatch(/immunity-or-press.*fundamental-rights.*ne-bis-in-idem.*dual-criminality/);
  });

  test("two grounds: stored in the article's order, shown to every party's thread with the article, recorded", async () => {
    const h = harness();
    await notifiedOrder(h);
    const before = h.adapter.calls.length;
    await h.ok("klaus.richter", `${REFUSE} --ground "dual-criminality, ne-bis-in-idem,dual-criminality" --reasons "the conduct is not punishable in Germany, and a Berlin court acquitted the person of the same acts in 2025"`);
    const row = await stored(h);
    expect(row.enforcingRefusedAt?.toISOString()).toBe("2026-11-23T09:00:00.000Z");
    expect(row.enforcingRefusalPoints).toBe("ne-bis-in-idem,dual-criminality");
    expect(row.enforcingGrounds).toMatch(/^the conduct is not punishable/);
    await h.drain();
    const sent = h.adapter.calls.slice(before).filter((call) => call.op !== "openThread" && call.message.text.includes("grounds for refusal"));
    // Issuer, addressee and the enforcing authority each read it in their own thread.
    const reached = (calls: typeof sent) => calls.map((call) => (call.op === "send" ? call.threadId : call.op === "sendDirect" ? call.userId : "")).sort();
    expect(reached(sent)).toEqual(["P-2026-0001 @ chirp-social", "klaus.richter", "ria.smit"]);
    for (const call of sent) {
      expect(call.message.text).toContain("Art. 12(1)(c): contrary to the principle of ne bis in idem; Art. 12(1)(d): the conduct is not an offence under the law of the enforcing State");
      expect(call.message.text).toContain("Reasons: the conduct is not punishable in Germany");
    }
    const audit = await h.db.auditEntry.findFirstOrThrow({ where: { action: "eevidence.enforcing", result: "ok" } });
    expect(JSON.parse(audit.detail)).toMatchObject({ type: "enforcing-refused", points: ["ne-bis-in-idem", "dual-criminality"] });
    // The addressee does not transmit; the enforcing authority does not answer twice.
    h.clock.set("2026-12-01T10:00:00+01:00");
    expect((await h.run("felix.wagner", "/eevidence produced P-2026-0001")).failure).toBe("not-allowed");
    expect((await h.run("klaus.richter", `${REFUSE} --ground fundamental-rights --reasons "a second answer is refused"`)).failure).toBe("invalid-transition");
  });

  test("hostile reasons: 100,000 characters refused; control characters and mention syntax shown inert on every platform", async () => {
    const h = harness();
    await notifiedOrder(h);
    const huge = await h.run("klaus.richter", `${REFUSE} --ground immunity-or-press --reasons "${"x".repeat(100_000)}"`);
    expect(huge.failure).toBe("bad-arguments");
    expect(huge.message.text).not.toMatch(/x{100}/);
    expect((await stored(h)).enforcingRefusedAt).toBeNull();
    await h.ok("klaus.richter", `${REFUSE} --ground immunity-or-press --reasons "press privilege <!channel> @everyone <@U0ADMIN> \u202Eegelivirp\u001b[2J\u0007 end"`);
    await h.drain();
    const sent = h.adapter.calls.filter((call) => call.op !== "openThread" && call.message.text.includes("Art. 12(1)(a)"));
    expect(sent.length).toBe(3);
    for (const call of sent) {
      expect(call.message.text).toContain("<!channel> @everyone <@U0ADMIN>");
      expect(renderForConsole(call.message)).not.toMatch(/[\u202E\u001b\u0007]/);
      const slack = JSON.stringify(renderMessage(call.message, { maxParts: 5 }));
      expect(slack).not.toMatch(/<!channel>|<@U0ADMIN>/);
      expect(slack).toContain("&lt;!channel&gt;");
    }
  });

  test("each other party is refused, and nothing is stored", async () => {
    const h = harness();
    await notifiedOrder(h);
    for (const who of ["ria.smit", "felix.wagner", "lena.schmidt", "mark.dejong", "ahmed.elamrani", "demo.coordinator", UNLINKED] as const) {
      for (const line of [`${REFUSE} --ground dual-criminality --reasons "not an offence under German law"`, "/eevidence enforcing P-2026-0001 --decision confirm"]) {
        const answer = await h.run(who, line);
        expect(answer.failure, `${typeof who === "string" ? who : "unlinked"}: ${line}`).toMatch(/^(not-allowed|not-linked|not-found)$/);
      }
    }
    expect(await stored(h)).toEqual({ enforcingRefusedAt: null, enforcingGrounds: null, enforcingRefusalPoints: null, enforcingConfirmedAt: null });
    expect(await h.db.auditEntry.count({ where: { action: "eevidence.enforcing", result: "ok" } })).toBe(0);
  });
});

describe("e-Evidence: the ground names", () => {
  unit("parsing keeps the article's order, drops repeats, refuses unknown names and the empty list; stored names round-trip", () => {
    expect(parseRefusalGrounds("dual-criminality,immunity-or-press")).toEqual({ ok: true, value: ["immunity-or-press", "dual-criminality"] });
    expect(parseRefusalGrounds(" , ").ok).toBe(false);
    expect(parseRefusalGrounds("refused").ok).toBe(false);
    expect(parseRefusalGrounds("__proto__").ok).toBe(false);
    expect(refusalGroundsOf("fundamental-rights,constructor,ne-bis-in-idem")).toEqual(["fundamental-rights", "ne-bis-in-idem"]);
    expect(refusalGroundsOf(null)).toEqual([]);
  });
});
