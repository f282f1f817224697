import type { AdapterCapabilities, InboundEvent, Platform, Reply } from "../core/adapter.js";
import type { Actor } from "../core/actor.js";
import { renderFailure } from "../commands/dispatch.js";
import type { CaseService } from "../cases/service.js";
import { chooseDelivery } from "./inbound.js";

const REFERENCE = /^([A-Za-z]-\d{4}-\d{4,})\b/;

/**
 * Handles a person's message in a thread: when the thread is a case thread (or the message is addressed to a case
 * by its reference, as the console does), it is relayed to the other parties once. Messages elsewhere are ignored.
 */
export function createThreadRelay(cases: CaseService, capabilitiesOf: (platform: Platform) => AdapterCapabilities) {
  return async (actor: Actor, event: Extract<InboundEvent, { type: "message" }>, key: string): Promise<Reply | undefined> => {
    const threadId = event.where.threadId ?? "";
    const thread = threadId ? await cases.threadAt(event.where) : undefined;
    const addressed = thread ? undefined : REFERENCE.exec(threadId)?.[1];
    if (!thread && !addressed) return undefined;
    const refuse = (failure: Parameters<typeof renderFailure>[0]): Reply => ({
      message: renderFailure({ ...failure, message: `Not relayed: ${failure.message}` }),
      delivery: chooseDelivery("private", capabilitiesOf(event.where.platform), event.where.isDirect),
    });
    const found = thread ? await cases.findById(actor, thread.caseId) : await cases.find(actor, addressed);
    if (!found.ok) {
      // Refusals are recorded like those of commands.
      await cases.refuseMessage(actor, addressed ?? thread?.caseId, found, thread?.caseId);
      return refuse(found);
    }
    const fromThreadId = thread?.id ?? (actor.contact ? await cases.partyThread(found.value.view.id, actor.contact.organisationId) : undefined);
    const relayed = await cases.relay(actor, found.value, event.text, { inboundKey: key, ...(fromThreadId ? { fromThreadId } : {}) });
    if (relayed.ok) return undefined;
    await cases.refuseMessage(actor, found.value.view.reference, relayed, found.value.view.id);
    return refuse(relayed);
  };
}
