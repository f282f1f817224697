import type { AdapterCapabilities, InboundEvent, Platform, Reply } from "../core/adapter.js";
import type { Actor } from "../core/actor.js";
import { renderFailure } from "../commands/dispatch.js";
import type { CaseService } from "../cases/service.js";
import { chooseDelivery } from "./inbound.js";
import { isRateLimited } from "../limits/limiter.js";

/** Relays a person's message in a thread, inside the unit of work of its inbound event. */
export type ThreadRelay = (cases: CaseService, actor: Actor, event: Extract<InboundEvent, { type: "message" }>, key: string) => Promise<Reply | undefined>;

/**
 * Handles a person's message in a thread: when the thread is a case thread, it is relayed to the other parties once;
 * a message that may not be relayed is answered privately with the reason. Messages elsewhere are ignored.
 */
export function createThreadRelay(capabilitiesOf: (platform: Platform) => AdapterCapabilities): ThreadRelay {
  return async (cases, actor, event, key) => {
    const thread = await cases.threadAt(event.where);
    if (!thread) return undefined;
    const relayed = await cases.relay(actor, { caseId: thread.caseId, fromThreadId: thread.id }, event.text, key);
    if (relayed.ok) return undefined;
    // Refusals are recorded like those of commands (a rate limit's once per window, by the limiter), and the writer
    // is told why: a message that is not relayed is never dropped without a word.
    if (!isRateLimited(relayed)) cases.refuseMessage(actor, undefined, relayed, thread.caseId);
    return {
      message: renderFailure({ ...relayed, message: `Not relayed: ${relayed.message}` }),
      delivery: chooseDelivery("private", capabilitiesOf(event.where.platform), event.where.isDirect),
    };
  };
}
