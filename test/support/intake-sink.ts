// An in-memory intake sink for the mail and feed tests: it keeps what it accepted and the raw bytes (once per
// sha256), answers a report it saw before (same source report id) as a duplicate, and can be told to fail, as a
// database that is down would (then nothing of the batch is kept).
import type { IntakeReport } from "../../src/intake/report.js";
import type { IntakeAcceptance, IntakeOrigin, IntakeSink } from "../../src/intake/mail/sink.js";

/** The memory sink and what it holds. */
export interface MemorySink extends IntakeSink {
  accepted: { report: IntakeReport; origin: IntakeOrigin; intakeId: string }[];
  /** The raw bytes kept, by sha256. */
  kept: Map<string, Buffer>;
  /** While true, acceptBatch rejects (a fault). */
  failing: boolean;
}

/** A fresh memory sink. */
export function memorySink(): MemorySink {
  const byKey = new Map<string, string>();
  const sink: MemorySink = {
    accepted: [],
    kept: new Map(),
    failing: false,
    async acceptBatch({ reports, origin, raw }): Promise<IntakeAcceptance[]> {
      if (sink.failing) throw new Error("the intake store is unavailable");
      if (!sink.kept.has(origin.rawSha256)) sink.kept.set(origin.rawSha256, raw);
      return reports.map((report) => {
        const key = report.sourceReportId ?? `${origin.rawSha256}:${JSON.stringify(report.target)}`;
        const known = byKey.get(key);
        if (known) return { intakeId: known, duplicate: true };
        const intakeId = `I-${sink.accepted.length + 1}`;
        byKey.set(key, intakeId);
        sink.accepted.push({ report, origin, intakeId });
        return { intakeId, duplicate: false };
      });
    },
  };
  return sink;
}
