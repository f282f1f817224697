import type { OutboundMessage } from "../../core/message.js";
import type { DigestSubscriptionState } from "../../digests/service.js";

/** The answer to /digest subscribe and /digest unsubscribe. */
export function renderSubscription(state: DigestSubscriptionState): OutboundMessage {
  const what = state.scope.type === "installation" ? "every organisation" : state.scope.type === "contact" ? "your cases" : `${state.scope.name} [${state.scope.slug}]`;
  return state.subscribed
    ? { text: `✓ You will get the digest of ${what} each working morning, in your time zone.`, tone: "success" }
    : { text: `✓ You will no longer get the digest of ${what} each morning; /digest still shows it on demand.`, tone: "success" };
}
