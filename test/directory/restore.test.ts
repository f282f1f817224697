// Bringing back a removed contact or organisation (/contacts restore, /contacts restore-org): coordinators only,
// each lower role refused, recorded; a restored entry is found again, and its chat accounts must be linked again.
// Through the dispatcher, on both databases.
import { expect } from "vitest";
import type { PlatformIdentity } from "../../src/core/adapter.js";
import { describeOnBothDatabases } from "../support/cases.js";

const UNLINKED: PlatformIdentity = { platform: "slack", workspace: "T0NOBODY", userId: "U0NOBODY" };

describeOnBothDatabases("restoring removed entries", (harness, test) => {
  test("a coordinator restores a removed contact: found again, recorded, told to link the accounts again", async () => {
    const h = harness();
    await h.ok("demo.coordinator", '/contacts remove tom.hendriks --reason "left the company"');
    expect((await h.run("demo.coordinator", "/contacts show tom.hendriks")).failure).toBe("not-found");
    const seq = await h.auditSeq();
    const restored = await h.ok("demo.coordinator", '/contacts restore tom.hendriks --reason "came back"');
    expect(restored).toContain("✓ Restored Tom Hendriks (tom.hendriks) in acme-hosting.");
    expect(restored).toContain("/contacts link tom.hendriks");
    expect(await h.ok("demo.coordinator", "/contacts show tom.hendriks")).toContain("Tom Hendriks");
    expect(await h.ok("demo.coordinator", "/contacts find hendriks")).toContain("tom.hendriks");
    const entries = (await h.auditAfter(seq)).filter((entry) => entry.action === "contact.restore");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: "demo.coordinator", subjectId: "tom.hendriks", result: "ok" });
    expect(entries[0]?.detail).toContain("came back");
  });

  test("a coordinator restores an organisation with the contacts removed with it, not those removed before", async () => {
    const h = harness();
    await h.ok("demo.coordinator", '/contacts remove felix.wagner --reason "left"');
    h.clock.advance(60_000);
    await h.ok("demo.coordinator", '/contacts remove-org chirp-social --reason "closed down"');
    expect((await h.run("demo.coordinator", "/contacts show chirp-social")).failure).toBe("not-found");
    // A contact of a removed organisation waits for the organisation.
    const early = await h.run("demo.coordinator", '/contacts restore lena.schmidt --reason "back"');
    expect(early.failure).toBe("conflict");
    expect(early.message.text).toContain("chirp-social is removed: restore it first with /contacts restore-org chirp-social");
    const restored = await h.ok("demo.coordinator", '/contacts restore-org chirp-social --reason "reopened"');
    expect(restored).toContain("✓ Restored Chirp");
    expect(restored).toContain("lena.schmidt");
    expect(restored).not.toContain("felix.wagner (felix");
    const shown = await h.ok("demo.coordinator", "/contacts show chirp-social");
    expect(shown).toContain("lena.schmidt");
    expect(shown).not.toContain("felix.wagner");
    expect(await h.ok("demo.coordinator", "/contacts find chirp")).toContain("chirp-social");
    expect(await h.ok("demo.coordinator", "/contacts find chirp.example")).toContain("chirp-social");
    const entry = await h.db.auditEntry.findFirst({ where: { action: "organisation.restore" } });
    expect(entry?.subjectId).toBe("chirp-social");
  });

  test("what is not removed, or never existed, is said so", async () => {
    const h = harness();
    const present = await h.run("demo.coordinator", '/contacts restore jan.jansen --reason "why not"');
    expect(present.failure).toBe("conflict");
    expect(present.message.text).toContain("jan.jansen is not removed");
    const none = await h.run("demo.coordinator", '/contacts restore-org acme-hostng --reason "why not"');
    expect(none.failure).toBe("not-found");
    expect(none.message.text).toContain("acme-hosting");
  });

  test("each lower role is refused, and nothing changes", async () => {
    const h = harness();
    await h.ok("demo.coordinator", '/contacts remove tom.hendriks --reason "left the company"');
    await h.ok("demo.coordinator", '/contacts remove-org chirp-social --reason "closed down"');
    for (const [who, failure] of [["jan.jansen", "not-allowed"], ["eva.mulder", "not-allowed"], [UNLINKED, "not-linked"]] as const) {
      const contact = await h.run(who, '/contacts restore tom.hendriks --reason "came back"');
      expect(contact.failure, JSON.stringify(who)).toBe(failure);
      const organisation = await h.run(who, '/contacts restore-org chirp-social --reason "reopened"');
      expect(organisation.failure, JSON.stringify(who)).toBe(failure);
    }
    expect((await h.run("demo.coordinator", "/contacts show tom.hendriks")).failure).toBe("not-found");
    expect((await h.run("demo.coordinator", "/contacts show chirp-social")).failure).toBe("not-found");
    expect(await h.db.auditEntry.count({ where: { action: { in: ["contact.restore", "organisation.restore"] } } })).toBe(0);
    // The directory is shared by the tests of this file: put it back.
    await h.ok("demo.coordinator", '/contacts restore-org chirp-social --reason "test done"');
    await h.ok("demo.coordinator", '/contacts restore tom.hendriks --reason "test done"');
  });

  test("a hostile reason is refused or kept inert; nothing of it is echoed", async () => {
    const h = harness();
    await h.ok("demo.coordinator", '/contacts remove tom.hendriks --reason "left the company"');
    for (const reason of ["x".repeat(100_000), "back\u202e\u0007", "\u0000"]) {
      const answer = await h.run("demo.coordinator", `/contacts restore tom.hendriks --reason "${reason}"`);
      expect(answer.failure, JSON.stringify(reason.slice(0, 10))).toBe("bad-arguments");
      expect(answer.message.text).not.toMatch(/\u202e|\u0007|\u0000|x{600}/);
    }
    for (const reason of ["<@U123> is back", "@room back", "@everyone back"]) {
      const answer = await h.ok("demo.coordinator", `/contacts restore tom.hendriks --reason "${reason}"`);
      expect(answer).not.toMatch(/<@U123>|@room|@everyone/);
      await h.ok("demo.coordinator", '/contacts remove tom.hendriks --reason "left again"');
    }
  });

  test("restore-org of an organisation whose stored slug, name and handles hold bidi and control characters: the echo carries none", async () => {
    const h = harness();
    await h.ok("demo.coordinator", '/contacts remove felix.wagner --reason "left"');
    h.clock.advance(60_000);
    await h.ok("demo.coordinator", '/contacts remove-org chirp-social --reason "closed down"');
    // As rows written before the directory refused such characters (an old import, a hand edit) hold them.
    const HOSTILE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
    const slug = "chirp\u202Esocial\u0007";
    await h.db.organisation.update({ where: { slug: "chirp-social" }, data: { slug, name: "Chirp\u2066 Social\u202E GmbH\u0008" } });
    await h.db.contact.update({ where: { handle: "lena.schmidt" }, data: { handle: "lena\u202E.schmidt", name: "Lena\u200F Schmidt\u0007" } });
    await h.db.contact.update({ where: { handle: "felix.wagner" }, data: { handle: "felix\u2067.wagner" } });
    try {
      for (const typed of [slug, "chirp\u202Esocial"]) {
        const answer = await h.run("demo.coordinator", `/contacts restore-org "${typed}" --reason "reopened"`);
        expect(answer.message.text, JSON.stringify(typed)).not.toMatch(HOSTILE);
        if (typed === slug && !answer.failure) {
          // Restored: the name, slug and handles are shown with their hidden characters as visible markers.
          expect(answer.message.text).toContain("⟨U+202E⟩");
          expect(answer.message.text).toContain("lena⟨U+202E⟩.schmidt");
          expect(answer.message.text).toContain("felix⟨U+2067⟩.wagner");
          // Restored once: asked again, it is not removed, and that answer is clean too.
          const again = await h.run("demo.coordinator", `/contacts restore-org "${typed}" --reason "reopened"`);
          expect(again.failure).toBe("conflict");
          expect(again.message.text).not.toMatch(HOSTILE);
        }
      }
      expect(await h.db.auditEntry.count({ where: { action: "organisation.restore" } })).toBe(1);
      // The same rows through /contacts restore and a mistyped /contacts show: refused or suggested, never raw.
      for (const line of [`/contacts show "chirp\u202Esocia"`, `/contacts restore "lena\u202E.schmidt" --reason "back"`, `/contacts restore "nobody\u202Ehere" --reason "back"`]) {
        const answer = await h.run("demo.coordinator", line);
        expect(answer.message.text, line).not.toMatch(HOSTILE);
      }
    } finally {
      // The directory is shared by the tests of this file: put it back.
      await h.db.contact.updateMany({ where: { handle: "lena\u202E.schmidt" }, data: { handle: "lena.schmidt", name: "Lena Schmidt" } });
      await h.db.contact.updateMany({ where: { handle: "felix\u2067.wagner" }, data: { handle: "felix.wagner" } });
      await h.db.organisation.updateMany({ where: { slug }, data: { slug: "chirp-social", name: "Chirp Social GmbH", removedAt: null, removedBy: null } });
      await h.db.contact.updateMany({ where: { handle: { in: ["lena.schmidt", "felix.wagner"] } }, data: { removedAt: null, removedBy: null } });
    }
  });
});
