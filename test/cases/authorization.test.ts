// Who may do what to a case: every case command for every role, on both databases. The matrix is written by hand
// from the issue: only the parties' linked contacts and coordinators see or act on a case; only the recipient
// acknowledges, asks for clarification, resolves and reassigns; only the opener answers, closes, withdraws, reopens
// and extends; coordinators may do all. Every refusal says why and is recorded ("refused:<code>").
import { expect } from "vitest";
import type { PlatformIdentity } from "../../src/core/adapter.js";
import { describeOnBothDatabases, threadTitle, type CaseHarness } from "../support/cases.js";

const UNLINKED: PlatformIdentity = { platform: "slack", workspace: "T0TEST", userId: "U0NOBODY" };

/** The people of the demo directory by their relation to a case nl-iru (sanne.devries) opens towards acme-hosting. */
const ROLES = {
  opener: "sanne.devries",
  "opener's colleague": "pieter.bakker",
  recipient: "jan.jansen",
  "recipient's colleague": "eva.mulder",
  "other organisation": "lena.schmidt",
  coordinator: "demo.coordinator",
  unlinked: UNLINKED,
} as const;

type Role = keyof typeof ROLES;

const OPENER_SIDE: Role[] = ["opener", "opener's colleague", "coordinator"];
const RECIPIENT_SIDE: Role[] = ["recipient", "recipient's colleague", "coordinator"];
const PARTIES: Role[] = ["opener", "opener's colleague", "recipient", "recipient's colleague", "coordinator"];

interface ActionCase {
  /** The command, with {ref} for the case reference. */
  line: string;
  /** Brings a new case into the state the action needs. */
  prepare?: (h: CaseHarness, ref: string) => Promise<void>;
  allowed: Role[];
  /** The state after the action when allowed (undefined: unchanged). */
  after?: string;
  /** The audit action a refusal by a linked contact is also recorded under (case actions). */
  auditAction?: string;
  /** The line that opens the case, when not a removal order. */
  open?: string;
}

const clarified = async (h: CaseHarness, ref: string) => void (await h.ok("jan.jansen", `/case clarify ${ref} --question "which video?"`));
const resolved = async (h: CaseHarness, ref: string) => void (await h.ok("jan.jansen", `/case resolve ${ref} --outcome removed`));

const ACTIONS: Record<string, ActionCase> = {
  status: { line: "/case status {ref}", allowed: PARTIES },
  history: { line: "/case history {ref}", allowed: PARTIES },
  say: { line: "/case say {ref} hello from here", allowed: PARTIES },
  ack: { line: "/case ack {ref}", allowed: RECIPIENT_SIDE, after: "acknowledged", auditAction: "case.acknowledge" },
  clarify: { line: '/case clarify {ref} --question "which one?"', allowed: RECIPIENT_SIDE, after: "clarification-requested", auditAction: "case.request-clarification" },
  answer: { line: '/case answer {ref} --text "the second one"', prepare: clarified, allowed: OPENER_SIDE, after: "acknowledged", auditAction: "case.answer-clarification" },
  resolve: { line: "/case resolve {ref} --outcome removed", allowed: RECIPIENT_SIDE, after: "resolved", auditAction: "case.resolve" },
  close: { line: "/case close {ref}", prepare: resolved, allowed: OPENER_SIDE, after: "closed", auditAction: "case.close" },
  withdraw: { line: '/case withdraw {ref} --reason "wrong company"', allowed: OPENER_SIDE, after: "withdrawn", auditAction: "case.withdraw" },
  reopen: { line: '/case reopen {ref} --reason "back online"', prepare: resolved, allowed: OPENER_SIDE, after: "open", auditAction: "case.reopen" },
  // A removal order's hour is the law's (TCO Art. 3(3)): nobody extends it (test/cases/deadlines.test.ts); the
  // rights are those of a clock that is the installation's policy.
  extend: { line: '/case extend {ref} --by 1h --reason "agreed"', allowed: OPENER_SIDE, auditAction: "case.extend", open: '/notice acme-hosting --kind threat-to-life --reason "threat against a school" --priority normal' },
  reassign: { line: "/case reassign {ref} --to tom.hendriks", allowed: RECIPIENT_SIDE, auditAction: "case.reassign" },
};

const OPEN_LINE = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';

async function openCase(h: CaseHarness, line = OPEN_LINE): Promise<string> {
  const text = await h.ok("sanne.devries", line);
  const reference = /Opened ([A-Z]-\d{4}-\d{4})/.exec(text)?.[1];
  if (!reference) throw new Error(`no reference in ${text}`);
  return reference;
}

describeOnBothDatabases("case authorization", (harness, test) => {
  for (const [name, action] of Object.entries(ACTIONS)) {
    test(`/case ${name}: ${action.allowed.join(", ")} may; the others are refused and recorded`, async () => {
      const h = harness();
      for (const [role, who] of Object.entries(ROLES) as [Role, (typeof ROLES)[Role]][]) {
        const ref = await openCase(h, action.open);
        await action.prepare?.(h, ref);
        const before = await h.caseRow(ref);
        const mark = await h.auditSeq();
        const answer = await h.run(who, action.line.replace("{ref}", ref));
        const label = `${name} by ${role}: ${answer.message.text}`;
        if (action.allowed.includes(role)) {
          expect(answer.failure, label).toBeUndefined();
          const after = await h.caseRow(ref);
          expect(after.state, label).toBe(action.after ?? before.state);
          if (name === "reassign") expect(after.responsibleContactId).not.toBe(before.responsibleContactId);
          if (name === "extend") expect(after.extendedMs).toBe(3_600_000);
          continue;
        }
        const code = role === "unlinked" ? "not-linked" : "not-allowed";
        expect(answer.failure, label).toBe(code);
        expect(answer.message.text, label).toMatch(/^✗ /);
        // Says why: who may, or that the case is between other organisations, or how to get linked.
        if (role === "unlinked") expect(answer.message.text).toMatch(/not linked/);
        else if (role === "other organisation") expect(answer.message.text).toContain("between other organisations");
        else expect(answer.message.text).toMatch(/^✗ Only /);
        // Nothing changed.
        const after = await h.caseRow(ref);
        expect(after.state, label).toBe(before.state);
        expect(after.updatedAt.getTime(), label).toBe(before.updatedAt.getTime());
        // Recorded: the command, and for a linked contact the case action too, with who and why.
        const entries = await h.auditAfter(mark);
        const handle = typeof who === "string" ? who : `unlinked slack:${UNLINKED.workspace}:${UNLINKED.userId}`;
        const command = entries.find((entry) => entry.action === "command");
        expect(command, label).toMatchObject({ result: `refused:${code}`, actor: handle });
        expect(JSON.parse(command?.detail ?? "{}").reason, label).toBe(answer.message.text.replace(/^✗ /, "").split("\n")[0]);
        if (role !== "unlinked" && action.auditAction) {
          const recorded = entries.find((entry) => entry.action === action.auditAction);
          expect(recorded, label).toMatchObject({ result: `refused:${code}`, actor: handle, subjectId: ref });
        }
        expect(entries.every((entry) => entry.result !== "ok"), label).toBe(true);
      }
    });
  }

  test("/case list shows a case to its parties and coordinators only", async () => {
    const h = harness();
    const ref = await openCase(h);
    for (const [role, who] of Object.entries(ROLES) as [Role, (typeof ROLES)[Role]][]) {
      const answer = await h.run(who, "/case list --state all");
      if (PARTIES.includes(role)) {
        expect(answer.message.text, role).toContain(ref);
      } else if (role === "unlinked") {
        expect(answer.failure).toBe("not-linked");
      } else {
        expect(answer.failure, role).toBeUndefined();
        expect(answer.message.text, role).not.toContain(ref);
      }
    }
  });

  test("only the parties' contacts and coordinators can open and name the recipient's contacts", async () => {
    const h = harness();
    // A hosting company cannot issue a removal order (competent authorities only).
    const mark = await h.auditSeq();
    const refused = await h.run("jan.jansen", '/notice nl-iru https://example.test/x --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO" --reason "no authority"');
    expect(refused.failure).toBe("not-allowed");
    expect(refused.message.text).toContain("cannot issue a removal order");
    expect((await h.auditAfter(mark)).find((entry) => entry.action === "command")).toMatchObject({ result: "refused:not-allowed", actor: "jan.jansen" });
    // Nor a production order, by either route.
    expect((await h.run("jan.jansen", '/request nl-iru --kind production-order --target "x" --data "all data" --basis "none"')).failure).toBe("bad-arguments");
    expect((await h.run("jan.jansen", '/eevidence order chirp-social --category subscriber --target "@example_user" --issuer-file "PL 2026/17" --offence "fraud" --provision "Art. 326 Sr" --deliver-to "nl-police-cyber"')).failure).toBe("not-allowed");
    // Unlinked people open nothing.
    expect((await h.run(UNLINKED, "/notice acme-hosting https://example.test/x --reason \"something bad\"")).failure).toBe("not-linked");
    // Reassigning to someone outside the recipient is refused, and recorded.
    const ref = await openCase(h);
    const mark2 = await h.auditSeq();
    const outside = await h.run("jan.jansen", `/case reassign ${ref} --to lena.schmidt`);
    expect(outside.failure).toBe("bad-arguments");
    expect((await h.auditAfter(mark2)).find((entry) => entry.action === "case.reassign")).toMatchObject({ result: "refused:bad-arguments" });
    expect(await h.db.case.count()).toBe(1);
  });

  test("writing in a case: a party's message is relayed; another organisation's or an unlinked person's is refused with a reply and recorded", async () => {
    const h = harness();
    const ref = await openCase(h);
    await h.drain();
    // jan (recipient) writes in his thread: relayed.
    expect(await h.write("jan.jansen", threadTitle(ref, "acme-hosting"), "we are on it")).toBeUndefined();
    // lena (chirp-social) writes in the opener's thread.
    const mark = await h.auditSeq();
    const other = await h.write("lena.schmidt", threadTitle(ref, "nl-iru"), "let me in");
    expect(other?.message.text).toMatch(/^✗ Not relayed: .*between other organisations/);
    // An unlinked account writes in the recipient's thread.
    const unlinked = await h.write("nobody.here", threadTitle(ref, "acme-hosting"), "hello?");
    expect(unlinked?.message.text).toMatch(/^✗ Not relayed: .*linked/);
    const entries = await h.auditAfter(mark);
    expect(entries.map((entry) => [entry.actor, entry.action, entry.result])).toEqual([
      ["lena.schmidt", "case.message", "refused:not-allowed"],
      ["unlinked console::nobody.here", "case.message", "refused:not-linked"],
    ]);
    const messages = await h.db.caseMessage.findMany();
    expect(messages.map((message) => message.text)).toEqual(["we are on it"]);
  });
});
