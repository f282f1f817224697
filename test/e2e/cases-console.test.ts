// End to end: the real `liaison start` with a scripted console session, as a newcomer runs it: a full notice, and a
// full removal order with a clarification that restarts its hour. The console shows each party's thread as
// "[REF @ org] ...", so one script acts as the LEA and as the company.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/db.js";
import { runLiaison } from "../support/cli.js";
import { ROOT_DIR as ROOT } from "../support/core.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary installation: its own SQLite file, warnings only in the log. */
function installation(): { env: Record<string, string>; dbFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "liaison-e2e-cases-"));
  dirs.push(dir);
  const dbFile = join(dir, "data", "liaison.db");
  const config = join(dir, "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: warn\n`);
  return { env: { LIAISON_CONFIG: config }, dbFile };
}

/** The case references the run will hand out (the CLI runs on the real clock). */
const YEAR = new Date().getUTCFullYear();
const N = `N-${YEAR}-0001`;
const R = `R-${YEAR}-0001`;
const JAN = "Jan Jansen (ACME Hosting B.V.)";
const SANNE = "Sanne de Vries (Netherlands Internet Referral Unit)";

/**
 * Asserts that `expected` occur among `lines` in this order (other lines may come between), per source: each
 * thread ("[REF @ org] ...") and the replies ("handle> ...") are checked on their own, since the two parties'
 * threads are delivered independently.
 */
function expectInOrder(lines: string[], expected: (string | RegExp)[]): void {
  const sourceOf = (item: string | RegExp) => {
    const text = typeof item === "string" ? item : item.source.replace(/\\/g, "").replace(/^\^/, "");
    return /^\[[^\]]+\]/.exec(text)?.[0] ?? "replies";
  };
  const sources = new Set(expected.map(sourceOf));
  for (const source of sources) {
    const own = lines.filter((line) => (source === "replies" ? !line.startsWith("[") : line.startsWith(source)));
    expectInOrderOf(own, expected.filter((item) => sourceOf(item) === source));
  }
}

function expectInOrderOf(lines: string[], expected: (string | RegExp)[]): void {
  let from = 0;
  for (const wanted of expected) {
    const index = lines.findIndex((line, i) => i >= from && (typeof wanted === "string" ? line === wanted : wanted.test(line)));
    expect(index, `"${String(wanted)}" after line ${from}:\n${lines.slice(from).join("\n")}`).toBeGreaterThanOrEqual(0);
    from = index + 1;
  }
}

const count = (lines: string[], line: string) => lines.filter((candidate) => candidate === line).length;

/** Runs `liaison start` on a scripted console session; checks it ended well and logged no warning; returns its output lines. */
async function runSession(env: Record<string, string>, script: string[]): Promise<string[]> {
  const result = await runLiaison(["start"], env, [...script, ""].join("\n"));
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).not.toMatch(/"level":"(error|fatal|warn)"/);
  return result.stdout.split("\n");
}

describe.concurrent("cases in the console, end to end", { timeout: 90_000 }, () => {
  it("a full notice: open, acknowledge, messages both ways, resolved with no action and a reason, closed", async () => {
    const { env } = installation();
    const lines = await runSession(env, [
      'sanne.devries: /notice acme-hosting https://example.test/video/123 --reason "incites violence" --basis "Art. 131 Sr"',
      `jan.jansen: /case ack ${N}`,
      `jan.jansen: [${N} @ acme-hosting] We are looking at it.`,
      `sanne.devries: [${N} @ nl-iru] Thank you, it is urgent.`,
      `jan.jansen: /case resolve ${N} --outcome no-action --reason "legal in NL: satire"`,
      `sanne.devries: /case close ${N}`,
    ]);
    const acme = `[${N} @ acme-hosting]`;
    const iru = `[${N} @ nl-iru]`;
    expectInOrder(lines, [
      `sanne.devries> ✓ Opened ${N} towards ACME Hosting B.V.; its thread opens on both sides.`,
      new RegExp(`^sanne\\.devries> ${N} · Notice · nl-iru → acme-hosting · open · resolve by \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d CES?T \\(in .+\\) · TLP:AMBER · https://example\\.test/video/123$`),
      `${acme} Notice ${N} · TLP:AMBER`,
      `${acme} Assess the content and act on it`,
      `${acme} From: Netherlands Internet Referral Unit [nl-iru] · Sanne de Vries`,
      `${acme} To: ACME Hosting B.V. [acme-hosting]`,
      `${acme} Responsible: Jan Jansen (jan.jansen)`,
      `${acme} URL: https://example.test/video/123`,
      `${acme} Legal basis: Art. 131 Sr`,
      `${acme} Reason: incites violence`,
      new RegExp(`^\\[${N} @ acme-hosting\\] Acknowledge by: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d CES?T \\(in .+\\)$`),
      `${acme}   → Acknowledge: /case ack ${N}`,
      `${iru} Notice ${N} · TLP:AMBER`,
      `jan.jansen> ✓ Acknowledged ${N}.`,
      `${acme} ✓ ${N} acknowledged; Jan Jansen is responsible.`,
      `${iru} ✓ ${N} acknowledged; Jan Jansen is responsible.`,
      `${iru} — ${JAN}`,
      `${iru} ${JAN}: We are looking at it.`,
      `${acme} ${SANNE}: Thank you, it is urgent.`,
      `jan.jansen> ✓ Resolved ${N}: no-action.`,
      `${acme} ■ ${N} resolved: no-action (legal in NL: satire).`,
      `${iru} ■ ${N} resolved: no-action (legal in NL: satire).`,
      `sanne.devries> ✓ Closed ${N}.`,
      `sanne.devries> ${N} · Notice · nl-iru → acme-hosting · closed · no-action · TLP:AMBER · https://example.test/video/123`,
      `${acme} ✓ ${N} closed.`,
      `${iru} ✓ ${N} closed.`,
    ]);
    // The recipient's buttons are not on the opener's card.
    expect(lines.filter((line) => line.startsWith(`${iru}   → `))).toEqual([]);
    // Each message once, in the other party's thread only.
    expect(count(lines, `${iru} ${JAN}: We are looking at it.`)).toBe(1);
    expect(count(lines, `${acme} ${JAN}: We are looking at it.`)).toBe(0);
    expect(count(lines, `${acme} ${SANNE}: Thank you, it is urgent.`)).toBe(1);
    expect(count(lines, `${iru} ${SANNE}: Thank you, it is urgent.`)).toBe(0);
    expect(count(lines, `${acme} Notice ${N} · TLP:AMBER`)).toBe(1);
  });

  it("a full removal order with clarification: the hour restarts when the clarification is given; resolved, closed, history", async () => {
    const { env, dbFile } = installation();
    const lines = await runSession(env, [
      // TCO Art. 3(2): nl-iru gave acme-hosting the information on procedures and deadlines before its first order.
      "sanne.devries: /tco inform acme-hosting --at 2026-01-01T09:00+01:00",
      'sanne.devries: /notice acme-hosting https://example.test/video/9 --kind removal-order --content-type incitement --redress Awb-objection-within-6-weeks --basis "TCO Regulation Art. 3" --reason "terrorist content"',
      `jan.jansen: /case clarify ${R} --question "Which of the two videos on the page?"`,
      `sanne.devries: /case answer ${R} --text "The one uploaded at 14:02."`,
      `jan.jansen: [${R} @ acme-hosting] Removing it now.`,
      `jan.jansen: /case resolve ${R} --outcome removed`,
      `sanne.devries: /case close ${R}`,
      `sanne.devries: /case history ${R}`,
    ]);
    const acme = `[${R} @ acme-hosting]`;
    const iru = `[${R} @ nl-iru]`;
    const time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d";
    expectInOrder(lines, [
      `sanne.devries> ✓ Opened ${R} towards ACME Hosting B.V.; its thread opens on both sides.`,
      new RegExp(`^sanne\\.devries> ${R} · Removal order \\(TCO\\) · nl-iru → acme-hosting · open · resolve by ${time} CES?T \\(in 1 h\\) · TLP:AMBER · https://example\\.test/video/9$`),
      `${acme} Removal order (TCO) ${R} · TLP:AMBER`,
      `${acme} Legal basis: TCO Regulation Art. 3`,
      new RegExp(`^\\[${R} @ acme-hosting\\] Acknowledge by: ${time} CES?T \\(in 15 min\\)$`),
      new RegExp(`^\\[${R} @ acme-hosting\\] Resolve by: ${time} CES?T \\(in 1 h\\)$`),
      `${acme}   → Resolve: /case resolve ${R} --outcome <outcome> --reason <reason (required for cannot-comply)> --effective-at <when the content was removed or disabled, with its offset (empty: now)> --ground <cannot comply: the annex iii ground>`,
      `${iru} Removal order (TCO) ${R} · TLP:AMBER`,
      `jan.jansen> ✓ Asked for clarification of ${R}.`,
      // While the clarification is asked, no deadline runs.
      `jan.jansen> ${R} · Removal order (TCO) · nl-iru → acme-hosting · clarification-requested · TLP:AMBER · https://example.test/video/9`,
      `${acme} ? ${R}: clarification requested: Which of the two videos on the page?`,
      `${iru} ? ${R}: clarification requested: Which of the two videos on the page?`,
      `sanne.devries> ✓ Clarification of ${R} given.`,
      // The full hour again from the answer.
      new RegExp(`^sanne\\.devries> ${R} · Removal order \\(TCO\\) · nl-iru → acme-hosting · acknowledged · resolve by ${time} CES?T \\(in 1 h\\) · TLP:AMBER · https://example\\.test/video/9$`),
      `${acme} ↩ ${R}: clarification given: The one uploaded at 14:02.`,
      `${iru} ↩ ${R}: clarification given: The one uploaded at 14:02.`,
      `${iru} ${JAN}: Removing it now.`,
      `jan.jansen> ✓ Resolved ${R}: removed.`,
      new RegExp(`^\\[${R} @ acme-hosting\\] ■ ${R} resolved: removed \\(Statement: effect given ${time} CES?T; restriction: removal\\)\\.$`),
      new RegExp(`^\\[${R} @ nl-iru\\] ■ ${R} resolved: removed \\(Statement: effect given ${time} CES?T; restriction: removal\\)\\.$`),
      `sanne.devries> ✓ Closed ${R}.`,
      `${iru} ✓ ${R} closed.`,
      // In the reader's time zone (sanne.devries: her organisation's, Europe/Amsterdam), named.
      `sanne.devries> History of ${R} (TLP:AMBER), times in Europe/Amsterdam`,
      new RegExp(`^sanne\\.devries> ${time} CES?T · sanne\\.devries · open: removal-order to acme-hosting$`),
      new RegExp(`^sanne\\.devries> ${time} CES?T · jan\\.jansen · request-clarification: Which of the two videos on the page\\?$`),
      new RegExp(`^sanne\\.devries> ${time} CES?T · sanne\\.devries · answer-clarification: The one uploaded at 14:02\\.$`),
      new RegExp(`^sanne\\.devries> ${time} CES?T · jan\\.jansen · message: Removing it now\\.$`),
      // With the Annex II facts: the measure, and its time of effect (now, as none was given).
      new RegExp(`^sanne\\.devries> ${time} CES?T · jan\\.jansen · resolve: removed · Statement: effect given ${time} CES?T; restriction: removal$`),
      new RegExp(`^sanne\\.devries> ${time} CES?T · jan\\.jansen · decision$`),
      new RegExp(`^sanne\\.devries> ${time} CES?T · sanne\\.devries · close$`),
    ]);
    expect(count(lines, `${iru} ${JAN}: Removing it now.`)).toBe(1);
    expect(count(lines, `${acme} ${JAN}: Removing it now.`)).toBe(0);

    // The record shows the restart: the clock started again at the answer, and the hour was counted from there.
    const store = await openStore({ provider: "sqlite", url: dbFile });
    try {
      const row = await store.db.case.findUniqueOrThrow({ where: { reference: R } });
      const asked = await store.db.auditEntry.findFirstOrThrow({ where: { caseId: row.id, action: "case.request-clarification" } });
      const answered = await store.db.auditEntry.findFirstOrThrow({ where: { caseId: row.id, action: "case.answer-clarification" } });
      expect(row.clockStartAt.getTime()).toBeGreaterThan(asked.at.getTime());
      expect(row.clockStartAt.getTime()).toBeLessThanOrEqual(answered.at.getTime());
      expect(row.clockStartAt.getTime()).toBeGreaterThan(row.openedAt.getTime());
      const detail = JSON.parse(answered.detail) as { before: { resolveDueAt: string | null }; after: { resolveDueAt: string } };
      expect(detail.before.resolveDueAt).toBeNull();
      expect(new Date(detail.after.resolveDueAt).getTime()).toBe(row.clockStartAt.getTime() + 3_600_000);
      expect(row.state).toBe("closed");
      expect(row.outcome).toBe("removed");
    } finally {
      await store.close();
    }
  });
});
