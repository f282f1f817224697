// The e-Evidence tables (EvidenceOrder, EvidenceAddressee), read and written as the rules' shapes.
import type { Tx } from "../../store/types.js";
import type { ClarificationPause, EpocTimeline } from "./clocks.js";
import type { PreservationState, PreservationStatus } from "./preservation.js";
import type { Addressee } from "./scope.js";

/** A stored order, as Prisma returns it. */
export type EvidenceOrderRow = NonNullable<Awaited<ReturnType<Tx["evidenceOrder"]["findUnique"]>>>;

/** The clarification pauses of an order. */
export function pausesOf(row: EvidenceOrderRow): ClarificationPause[] {
  const raw = JSON.parse(row.pauses) as { from: string; to?: string }[];
  return raw.map((pause) => ({ from: new Date(pause.from), ...(pause.to ? { to: new Date(pause.to) } : {}) }));
}

/** The pauses, as stored. */
export function storedPauses(pauses: readonly ClarificationPause[]): string {
  return JSON.stringify(pauses.map((pause) => ({ from: pause.from.toISOString(), ...(pause.to ? { to: pause.to.toISOString() } : {}) })));
}

/** The timeline the Art. 10 clocks read, or undefined while the addressee has not received the order. */
export function timelineOf(row: EvidenceOrderRow, receivedAt: Date | null): EpocTimeline | undefined {
  if (!receivedAt) return undefined;
  return {
    receivedAt,
    emergency: row.emergency,
    notified: row.notified,
    notificationReceivedAt: receivedAt,
    ...(row.enforcingConfirmedAt ? { confirmedAt: row.enforcingConfirmedAt } : {}),
    ...(row.enforcingRefusedAt ? { refusedAt: row.enforcingRefusedAt } : {}),
    pauses: pausesOf(row),
  };
}

/** The preservation state of an EPOC-PR. */
export function preservationOf(row: EvidenceOrderRow): PreservationState {
  return {
    status: (row.preservation ?? "pending") as PreservationStatus,
    extended: row.preservationExtended,
    ...(row.fulfilledAt ? { preservedAt: row.fulfilledAt } : {}),
    ...(row.preservationEndsAt ? { endsAt: row.preservationEndsAt } : {}),
    ...(row.subsequentRequestAt ? { subsequentRequestAt: row.subsequentRequestAt } : {}),
    ...(row.releasedAt ? { releasedAt: row.releasedAt } : {}),
  };
}

/** The columns a preservation state is stored in. */
export function preservationColumns(state: PreservationState): Pick<EvidenceOrderRow, "preservation" | "preservationEndsAt" | "preservationExtended" | "subsequentRequestAt" | "releasedAt"> {
  return {
    preservation: state.status,
    preservationEndsAt: state.endsAt ?? null,
    preservationExtended: state.extended,
    subsequentRequestAt: state.subsequentRequestAt ?? null,
    releasedAt: state.releasedAt ?? null,
  };
}

/** A provider's addressees, by Member State. */
export async function addresseesOf(db: Tx, organisationId: string): Promise<(Addressee & { id: string })[]> {
  const rows = await db.evidenceAddressee.findMany({ where: { organisationId }, orderBy: { memberState: "asc" } });
  return rows.map((row) => ({ id: row.id, type: row.type as Addressee["type"], memberState: row.memberState, languages: row.languages.split(",").filter(Boolean), name: row.name }));
}

/**
 * The addressee an order from `issuerMemberState` goes to: one in another Member State (Art. 3(1)); when the provider
 * has only one in the issuing State, that one (so the scope check can say why it is refused).
 */
export function addresseeFor(addressees: readonly Addressee[], issuerMemberState: string): Addressee | undefined {
  return addressees.find((addressee) => addressee.memberState !== issuerMemberState) ?? addressees[0];
}
