// TCO Art. 4(4) across a change of daylight-saving time. The 48 hours to request scrutiny, the host authority's 72
// hours to decide and the reminders a day and two hours before the decision is due are elapsed hours, so across a
// change the wall clock moves by an hour, and the times shown name the zone's time at that instant: the request to the
// host authority (a direct message, Berlin), the parties' threads (the issuer in Amsterdam, the provider in Berlin),
// the reminders and the refusal of a late request. Summer time ends on 2026-10-25 at 01:00 UTC (03:00 CEST ->
// 02:00 CET) and starts on 2027-03-28 at 01:00 UTC (02:00 CET -> 03:00 CEST). On both databases.
import { expect } from "vitest";
import { describeOnBothDatabases, HOUR, threadTitle, type CaseHarness } from "../support/cases.js";
import { designateGermanAuthority, tcoRow } from "../support/tco.js";

const TO_CHIRP = '/notice chirp-social https://chirp.example/p/9 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"';
const TCO_STEPS = /^(nondisclosure|preservation|scrutiny)/;
const REQUESTED = "requested your scrutiny";
const REMINDED = "your decision on the request for scrutiny";

/** One request for scrutiny and what follows from it, all instants in UTC. */
interface Crossing {
  name: string;
  /** When the provider asks (received an hour before). */
  requestAt: string;
  /** 72 hours later. */
  dueAt: string;
  /** The deadline as the readers in Berlin and Amsterdam are shown it, zone named. */
  dueShown: string;
  /** A day and two hours before dueAt. */
  remind24At: string;
  remind2At: string;
}

const CROSSINGS: Crossing[] = [
  // Thu 10:00 CEST; Sun 09:00 CET: 72 hours, 71 on the wall clock. The day-before reminder is still in summer time.
  { name: "the end of summer time: asked in CEST, due in CET", requestAt: "2026-10-22T08:00:00.000Z", dueAt: "2026-10-25T08:00:00.000Z", dueShown: "2026-10-25 09:00 CET", remind24At: "2026-10-24T08:00:00.000Z", remind2At: "2026-10-25T06:00:00.000Z" },
  // The repeated hour: 02:30 happens twice on 25 October, first in CEST, then in CET; the zone tells them apart.
  { name: "the end of summer time: due at the first 02:30 (CEST)", requestAt: "2026-10-22T00:30:00.000Z", dueAt: "2026-10-25T00:30:00.000Z", dueShown: "2026-10-25 02:30 CEST", remind24At: "2026-10-24T00:30:00.000Z", remind2At: "2026-10-24T22:30:00.000Z" },
  { name: "the end of summer time: due at the second 02:30 (CET)", requestAt: "2026-10-22T01:30:00.000Z", dueAt: "2026-10-25T01:30:00.000Z", dueShown: "2026-10-25 02:30 CET", remind24At: "2026-10-24T01:30:00.000Z", remind2At: "2026-10-24T23:30:00.000Z" },
  // Thu 10:00 CET; Sun 11:00 CEST: 72 hours, 73 on the wall clock. The two-hour reminder is already in summer time.
  { name: "the start of summer time: asked in CET, due in CEST", requestAt: "2027-03-25T09:00:00.000Z", dueAt: "2027-03-28T09:00:00.000Z", dueShown: "2027-03-28 11:00 CEST", remind24At: "2027-03-27T09:00:00.000Z", remind2At: "2027-03-28T07:00:00.000Z" },
  // The skipped hour: a minute before the change is 01:59 CET; the change itself is 03:00 CEST (02:00 never shows).
  { name: "the start of summer time: due a minute before the change (CET)", requestAt: "2027-03-25T00:59:00.000Z", dueAt: "2027-03-28T00:59:00.000Z", dueShown: "2027-03-28 01:59 CET", remind24At: "2027-03-27T00:59:00.000Z", remind2At: "2027-03-27T22:59:00.000Z" },
  { name: "the start of summer time: due at the change (CEST)", requestAt: "2027-03-25T01:00:00.000Z", dueAt: "2027-03-28T01:00:00.000Z", dueShown: "2027-03-28 03:00 CEST", remind24At: "2027-03-27T01:00:00.000Z", remind2At: "2027-03-27T23:00:00.000Z" },
];

const before = (iso: string, ms: number) => new Date(new Date(iso).getTime() - ms).toISOString();

/** The first removal order's reference in the year of `iso`. */
const firstOrder = (iso: string) => `R-${iso.slice(0, 4)}-0001`;

/** Opens the cross-border order at `receivedAtIso` and has it received then (the copy goes to de-cert). */
async function receivedAt(h: CaseHarness, receivedAtIso: string): Promise<string> {
  h.clock.set(receivedAtIso);
  await designateGermanAuthority(h);
  await h.ok("sanne.devries", TO_CHIRP);
  await h.drain();
  const reference = firstOrder(receivedAtIso);
  expect((await tcoRow(h, reference)).copyMode).toBe("sent");
  return reference;
}

/** A sweep at `iso`: the TCO reminders it queued, as "[to] step", delivered. */
async function sweepAt(h: CaseHarness, iso: string): Promise<string[]> {
  h.clock.set(iso);
  const queued = (await h.core.reminders.run("sweep")).queued.filter((entry) => TCO_STEPS.test(entry.step)).map((entry) => `[${entry.to}] ${entry.step}`);
  await h.drain();
  return queued;
}

describeOnBothDatabases("scrutiny (TCO Art. 4(4)) across a change of daylight-saving time", (harness, test) => {
  for (const crossing of CROSSINGS) test(crossing.name, async () => {
    const h = harness();
    const ref = await receivedAt(h, before(crossing.requestAt, HOUR));
    h.clock.set(crossing.requestAt);
    await h.ok("lena.schmidt", `/tco scrutiny ${ref} --reasons "news reporting on the attack"`);
    await h.drain();
    await h.drain();
    const due = `${crossing.dueShown} (${crossing.dueAt})`;

    // The instants: due 72 hours after the request; the sweep next has work a day before.
    const row = await tcoRow(h, ref);
    expect([row.scrutinyRequestedAt?.toISOString(), row.scrutinyDueAt?.toISOString(), row.nextReminderAt?.toISOString()]).toEqual([crossing.requestAt, crossing.dueAt, crossing.remind24At]);

    // The host authority's contact in Berlin is told at once, the deadline in its zone.
    const requests = h.adapter.directTexts("jonas.becker").filter((text) => text.includes(REQUESTED));
    expect(requests).toEqual([
      `${ref}: The hosting service provider ${REQUESTED} of the removal order (TCO Art. 4(4)): news reporting on the attack. Decide within 72 hours of the request, by ${due}: /tco scrutiny-decision ${ref} --infringes yes|no --reasons "…". Read the order with /case status ${ref}.`,
    ]);
    // The parties' threads: the issuer in Amsterdam, the provider in Berlin.
    for (const party of ["nl-iru", "chirp-social"]) {
      expect(h.adapter.threadTexts(threadTitle(ref, party)).at(-1), party).toBe(`${ref}: the hosting service provider requested scrutiny of the removal order by de-cert (TCO Art. 4): news reporting on the attack. A decision is due by ${due}.`);
    }

    // The reminders go at the instants, a day and two hours before, each once, naming the same deadline.
    expect(await sweepAt(h, before(crossing.remind24At, 1))).toEqual([]);
    expect(await sweepAt(h, crossing.remind24At)).toEqual(["[DM → jonas.becker] scrutiny-due-soon-24h"]);
    expect((await tcoRow(h, ref)).nextReminderAt?.toISOString()).toBe(crossing.remind2At);
    expect(await sweepAt(h, before(crossing.remind2At, 1))).toEqual([]);
    expect(await sweepAt(h, crossing.remind2At)).toEqual(["[DM → jonas.becker] scrutiny-due-soon-2h"]);
    expect(await sweepAt(h, crossing.dueAt)).toEqual([]);
    const reminder = `${ref}: ${REMINDED} of this removal order is due by ${due}: within 72 hours of receiving the request (TCO Art. 4(4)). Record it: /tco scrutiny-decision ${ref} --infringes yes|no --reasons "…".`;
    expect(h.adapter.directTexts("jonas.becker").filter((text) => text.includes(REMINDED))).toEqual([reminder, reminder]);
    expect(h.adapter.directTexts("lena.schmidt").join("\n")).not.toContain(REMINDED);
  });

  for (const [name, received, windowShown] of [
    // Fri 12:00 CEST; the 48 hours end on Sun at 11:00 CET.
    ["the end of summer time", "2026-10-23T10:00:00.000Z", "2026-10-25 11:00 CET"],
    // Fri 12:00 CET; the 48 hours end on Sun at 13:00 CEST.
    ["the start of summer time", "2027-03-26T11:00:00.000Z", "2027-03-28 13:00 CEST"],
  ] as const) test(`the 48 hours to ask for scrutiny across ${name}: refused a millisecond late, the end named in the provider's zone`, async () => {
    const h = harness();
    const ref = await receivedAt(h, received);
    const windowEnd = new Date(new Date(received).getTime() + 48 * HOUR).toISOString();
    h.clock.set(new Date(new Date(windowEnd).getTime() + 1).toISOString());
    const late = await h.run("lena.schmidt", `/tco scrutiny ${ref} --reasons "news reporting"`);
    expect([late.failure, late.message.text]).toEqual(["not-allowed", `✗ The request for scrutiny is made within 48 hours of receipt of the removal order (TCO Art. 4(4)): that window ended at ${windowShown} (${windowEnd}).`]);
    h.clock.set(windowEnd);
    await h.ok("lena.schmidt", `/tco scrutiny ${ref} --reasons "news reporting"`);
    expect((await tcoRow(h, ref)).scrutinyDueAt?.toISOString()).toBe(new Date(new Date(windowEnd).getTime() + 72 * HOUR).toISOString());
  });
});
