// The intake core as the mail and feed sources see it: each batch (the reports of one mail or one feed file, with
// its raw bytes) is one unit of work. The raw bytes are kept and every report goes through acceptIntakeReports, the
// same path as the intake API and the report page (routing, grouping, de-confliction, the record, the cards), and
// all of it commits together or not at all.
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import type { Store } from "../store/db.js";
import { inUnitOfWork } from "../work/unit-of-work.js";
import { acceptIntakeReports, isClaimRace, type AcceptIntakeSettings } from "./accept.js";
import { keepRawMessage } from "./mail/raw-store.js";
import type { IntakeAcceptance, IntakeBatch, IntakeSink } from "./mail/sink.js";
import type { IntakeSettings } from "./settings.js";

/** The acceptance settings of the configured `intake` section. */
export function acceptSettingsOf(intake: IntakeSettings): AcceptIntakeSettings {
  return {
    repeatWindowMs: intake.repeatOffenders.window,
    repeatThreshold: intake.repeatOffenders.threshold,
    ...(intake.coordinatorsChannel ? { coordinatorsChannel: { kind: "channel", ...intake.coordinatorsChannel } } : {}),
  };
}

/**
 * A report without an id of its own gets one from the bytes it was read from (their sha256 and its place among
 * them): the same mail or file read again after a crash between commit and marking is then a resend, not new.
 */
function withOriginId(batch: IntakeBatch) {
  return batch.reports.map((report, index) => (report.sourceReportId ? report : { ...report, sourceReportId: `raw:${batch.origin.rawSha256}#${index + 1}` }));
}

/** The sink that commits batches to the store; `reportingOrganisationId` when the source is one organisation's. */
export function storeIntakeSink(store: Pick<Store, "transaction">, clock: Clock, keys: RecordKeys, settings: AcceptIntakeSettings, reportingOrganisationId?: string): IntakeSink {
  const once = (batch: IntakeBatch): Promise<IntakeAcceptance[]> =>
    inUnitOfWork(store, clock, keys, async (work) => {
      await keepRawMessage(work.tx, clock, { sha256: batch.origin.rawSha256, content: batch.raw, mailbox: batch.origin.mailbox });
      const inputs = withOriginId(batch).map((report) => ({ report, receivedVia: batch.origin.mailbox, ...(reportingOrganisationId ? { reportingOrganisationId } : {}) }));
      const accepted = await acceptIntakeReports(work, inputs, settings);
      return accepted.map((one): IntakeAcceptance => ({ intakeId: one.intakeId, reference: one.reference, duplicate: one.duplicate }));
    });
  return {
    async acceptBatch(batch) {
      try {
        return await once(batch);
      } catch (error) {
        // Another process accepted one of the same reports at the same moment: the retry finds it.
        if (!isClaimRace(error)) throw error;
        return once(batch);
      }
    },
  };
}
