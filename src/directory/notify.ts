// Directory changes that others must hear of: the coordinators (conflicts, requests for approval, decisions), a
// contact (an account linked to them), and a chat account that has not proven itself yet (its one-time code).
// Each is an outbox item written in the change's own unit of work.
import { identityKey, type PlatformIdentity } from "../core/adapter.js";
import type { OutboundMessage } from "../core/message.js";
import { contactStream, type OutboxItem } from "../outbox/outbox.js";
import type { Tx } from "../store/types.js";

/** A direct message to every live coordinator (but `exceptContactId`, who caused it and sees the answer). */
export async function toCoordinators(tx: Tx, message: OutboundMessage, exceptContactId?: string): Promise<OutboxItem[]> {
  const coordinators = await tx.contact.findMany({ where: { coordinator: true, removedAt: null }, select: { id: true }, orderBy: { handle: "asc" } });
  return coordinators
    .filter((coordinator) => coordinator.id !== exceptContactId)
    .map((coordinator) => ({ streamKey: contactStream(coordinator.id), destination: { type: "contact" as const, contactId: coordinator.id }, message }));
}

/** A direct message to one chat account, whether or not it is linked to anyone. */
export function toAccount(identity: Pick<PlatformIdentity, "platform" | "workspace" | "userId">, message: OutboundMessage): OutboxItem {
  return {
    streamKey: `account:${identityKey(identity)}`,
    destination: { type: "address", destination: { kind: "direct", platform: identity.platform, workspace: identity.workspace, userId: identity.userId } },
    message,
  };
}
