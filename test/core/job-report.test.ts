// A job made of domain sweeps reports as one job: the parts' counts added, their messages and notes in order.
import { describe, expect, test } from "vitest";
import { mergeReports, type JobReport } from "../../src/core/job-report.js";

const message = (subject: string) => ({ subject, step: "remind", to: `${subject} @ acme-hosting`, text: `about ${subject}` });

describe("mergeReports", () => {
  test("adds the counts and keeps the parts' messages and notes in their order", () => {
    const cases: JobReport = { job: "sweep", handled: 2, queued: [message("N-2026-0001"), message("N-2026-0002")], notes: ["no coordinator for nl-iru"] };
    const tco: JobReport = { job: "sweep", handled: 1, queued: [message("R-2026-0001")], notes: [] };
    const evidence: JobReport = { job: "sweep", handled: 0, queued: [], notes: ["E-2026-0001: nobody to tell"] };
    const merged = mergeReports("sweep", [cases, tco, evidence]);
    expect(merged).toEqual({
      job: "sweep", handled: 3,
      queued: [message("N-2026-0001"), message("N-2026-0002"), message("R-2026-0001")],
      notes: ["no coordinator for nl-iru", "E-2026-0001: nobody to tell"],
    });
    expect(merged.skipped).toBeUndefined();
    // The parts are not changed.
    expect(cases.queued).toHaveLength(2);
  });

  test("no parts is an empty run; a part that did not run is a note, not the job skipped", () => {
    expect(mergeReports("sweep", [])).toEqual({ job: "sweep", handled: 0, queued: [], notes: [] });
    const merged = mergeReports("sweep", [{ job: "sweep", handled: 0, queued: [], notes: [], skipped: "switched off" }]);
    expect(merged.skipped).toBeUndefined();
    expect(merged.notes).toEqual(["sweep: skipped (switched off)"]);
  });
});
