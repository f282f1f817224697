// End to end: the real CLI. A removal order is opened in a scripted console session; `liaison reminders run --now` at
// +35 min, +61 min and +2 h prints exactly the expected nudges, delivered in the console to their recipients, and
// nothing else; a later run shows the coordinator's digest.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/cases.js";
import { MINUTE, printedQueued, spawnLiaison } from "../support/reminders.js";

/** The console lines a run delivered, as "[recipient] first line" (one per message). */
function delivered(stdout: string): string[] {
  const messages: string[] = [];
  let previous = "";
  for (const line of stdout.split("\n")) {
    const match = /^\[([^\]]+)\] (.*)$/.exec(line);
    if (!match) {
      previous = "";
      continue;
    }
    const [, to, text] = match;
    // A message's lines share its prefix; a new message starts with the ⏰/⚠ mark or a "Digest" title.
    if (to !== previous || /^(⏰|⚠|Digest for)/.test(text ?? "")) messages.push(`[${to}] ${text}`);
    previous = to ?? "";
  }
  return messages;
}

describe("reminders from the command line (console)", () => {
  it("nudges at +35 min, overdue at +61 min, coordinators at +2 h, and nothing else", async () => {
    const dir = tempDir("liaison-e2e-reminders-");
    const dbFile = join(dir, "data", "liaison.db");
    const base = `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: warn\n`;
    const sweepOnly = join(dir, "sweep-only.yaml");
    // Digests and revalidation depend on the real date the test runs; the exact-output check is about the sweep.
    writeFileSync(sweepOnly, `${base}reminders:\n  digests:\n    enabled: false\n  revalidation:\n    enabled: false\n`);
    const full = join(dir, "full.yaml");
    writeFileSync(full, base);
    const env = { LIAISON_CONFIG: sweepOnly };

    const opened = await spawnLiaison(["start"], env, 'sanne.devries: /tco inform acme-hosting --at 2026-01-01T09:00+01:00\nsanne.devries: /notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Art. 3" --reason "terrorist video"\n');
    expect(opened.code, opened.stderr).toBe(0);
    const reference = /Opened (R-\d{4}-\d{4})/.exec(opened.stdout)?.[1] ?? "";
    expect(reference).not.toBe("");
    const sqlite = new Database(dbFile, { readonly: true });
    // The hour runs from receipt: the console delivered the card a few milliseconds after it was opened.
    const times = sqlite.prepare(`SELECT "openedAt", "receivedAt", "clockStartAt" FROM "Case"`).get() as { openedAt: string; receivedAt: string | null; clockStartAt: string };
    expect(times.receivedAt).not.toBeNull();
    expect(times.clockStartAt).toBe(times.receivedAt);
    expect(new Date(times.clockStartAt).getTime() - new Date(times.openedAt).getTime()).toBeLessThan(60_000);
    const openedAt = new Date(times.clockStartAt);
    sqlite.close();
    const at = (minutes: number) => new Date(openedAt.getTime() + minutes * MINUTE).toISOString();
    const run = async (minutes: number) => {
      const result = await spawnLiaison(["reminders", "run", "--now", at(minutes)], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/"level":"(error|fatal)"/);
      return result;
    };

    const first = await run(35);
    expect(first.stdout).toContain(`Reminders as of ${at(35)}`);
    // The acknowledgement (due at +15 min) was missed while no sweep ran: the backup is told once, beside half time.
    expect(printedQueued(first.stdout).sort()).toEqual([`[DM → eva.mulder] ${reference} ack-overdue`, `[DM → jan.jansen] ${reference} half-time`, `[${reference} @ acme-hosting] ${reference} half-time`].sort());
    // The streams (DMs and a thread) are delivered side by side: their order between them is not fixed.
    expect(delivered(first.stdout).filter((line) => !line.startsWith("[DM → eva.mulder]"))).toHaveLength(2);
    expect(delivered(first.stdout).some((line) => /^\[DM → eva\.mulder\] ⚠ Escalation: .* was to be acknowledged by /.test(line))).toBe(true);
    expect(delivered(first.stdout)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^\\[DM → jan\\.jansen\\] ⏰ Reminder: ${reference} \\(Removal order \\(TCO\\), nl-iru → acme-hosting\\) must be resolved by .* \\(in 25 min\\)\\.$`)),
        expect.stringMatching(new RegExp(`^\\[${reference} @ acme-hosting\\] ⏰ Reminder: ${reference} .* \\(in 25 min\\)\\.$`)),
      ]),
    );
    expect(first.stdout).toContain("[DM → jan.jansen] About: https://example.test/v/1");

    const second = await run(61);
    // The due-soon nudge to the responsible contact (+50 min) was skipped while no sweep ran: catching up reaches him
    // too, once, beside the overdue step's posts.
    expect(printedQueued(second.stdout).sort()).toEqual([`[DM → jan.jansen] ${reference} due-soon`, `[${reference} @ acme-hosting] ${reference} overdue`, `[${reference} @ nl-iru] ${reference} overdue`].sort());
    expect(delivered(second.stdout)).toHaveLength(3);
    expect(delivered(second.stdout)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^\\[${reference} @ acme-hosting\\] ⚠ Overdue: ${reference} .*OVERDUE by 1 min\\.$`)),
        expect.stringMatching(new RegExp(`^\\[${reference} @ nl-iru\\] ⚠ Overdue: ${reference} .*OVERDUE by 1 min\\.$`)),
      ]),
    );

    const third = await run(120);
    // The backup (+1 h 15) and escalation (+1 h 45) steps were due too: catching up reaches each of their people once,
    // beside the coordinators' step.
    expect(printedQueued(third.stdout).sort()).toEqual([`[DM → demo.coordinator] ${reference} coordinators`, `[DM → eva.mulder] ${reference} backup`, `[DM → tom.hendriks] ${reference} escalation`].sort());
    expect(delivered(third.stdout)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^\\[DM → demo\\.coordinator\\] ⚠ Escalation to coordinators: ${reference} .*OVERDUE by 1 h\\.$`))]));
    expect(delivered(third.stdout)).toHaveLength(3);

    // Run again: nothing more.
    const again = await run(120);
    expect(printedQueued(again.stdout)).toEqual([]);
    expect(delivered(again.stdout)).toEqual([]);

    // The coordinator's digest, the next working morning (Monday to Friday, 08:30 in Amsterdam or later).
    const morning = new Date(openedAt.getTime() + 24 * 60 * MINUTE);
    while (![1, 2, 3, 4, 5].includes(morning.getUTCDay())) morning.setTime(morning.getTime() + 24 * 60 * MINUTE);
    morning.setUTCHours(9, 0, 0, 0);
    const digest = await spawnLiaison(["reminders", "run", "--only", "digests", "--now", morning.toISOString()], { LIAISON_CONFIG: full });
    expect(digest.code, digest.stderr).toBe(0);
    expect(printedQueued(digest.stdout)).toEqual(["[DM → demo.coordinator] demo.coordinator digest"]);
    // An overdue case is listed once, under Overdue (not also as unacknowledged).
    expect(digest.stdout).toMatch(/^\[DM → demo\.coordinator\] Overdue 1 · Due within 1 d 0 · Unacknowledged 0 · Stale contacts \d+$/m);
    expect(digest.stdout).toContain(`[DM → demo.coordinator] • ${reference} · Removal order (TCO) · nl-iru → acme-hosting · open`);
  }, 120_000);
});
