// An in-memory intake sink for the mail and feed tests: it keeps what it accepted, answers a report it saw before
// (same source report id) as a duplicate, and can be told to fail, as a database that is down would.
import type { IntakeReport } from "../../src/intake/report.js";
import type { IntakeAcceptance, IntakeOrigin, IntakeSink } from "../../src/intake/mail/sink.js";

/** The memory sink and what it holds. */
export interface MemorySink extends IntakeSink {
  accepted: { report: IntakeReport; origin: IntakeOrigin; intakeId: string }[];
  /** While true, accept rejects (a fault). */
  failing: boolean;
}

/** A fresh memory sink. */
export function memorySink(): MemorySink {
  const byKey = new Map<string, string>();
  const sink: MemorySink = {
    accepted: [],
    failing: false,
    async accept(report, origin): Promise<IntakeAcceptance> {
      if (sink.failing) throw new Error("the intake store is unavailable");
      const key = report.sourceReportId ?? `${origin.rawSha256}:${JSON.stringify(report.target)}`;
      const known = byKey.get(key);
      if (known) return { intakeId: known, duplicate: true };
      const intakeId = `I-${sink.accepted.length + 1}`;
      byKey.set(key, intakeId);
      sink.accepted.push({ report, origin, intakeId });
      return { intakeId, duplicate: false };
    },
  };
  return sink;
}
