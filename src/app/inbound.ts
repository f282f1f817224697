import type { Logger } from "pino";
import { quoteToken } from "../core/catalog.js";
import type { AdapterCapabilities, InboundEvent, InboundHandler, PlatformIdentity, Reply, ReplyDelivery } from "../core/adapter.js";
import type { Clock } from "../core/clock.js";
import { textMessage } from "../core/message.js";
import { inboundEventClaim } from "../store/inbound-events.js";
import type { Actor } from "../core/actor.js";
import type { CommandAnswer, Dispatcher } from "../commands/dispatch.js";
import type { DirectoryQueries } from "../directory/queries.js";

/** How a reply reaches the asker: private answers use ephemeral replies, else a DM, else the place they asked. */
export function chooseDelivery(visibility: CommandAnswer["visibility"], capabilities: AdapterCapabilities, isDirect: boolean): ReplyDelivery {
  if (visibility === "public" || isDirect) return "in-place";
  if (capabilities.ephemeral) return "ephemeral";
  if (capabilities.directMessages) return "direct";
  return "in-place";
}

/** Turns a platform identity into the actor: the linked contact (console users act as the contact with that handle). */
export async function resolveActor(directory: DirectoryQueries, identity: PlatformIdentity): Promise<Actor> {
  const linked = await directory.actorFor(identity);
  if (linked) return { identity, contact: linked };
  if (identity.platform === "console") return { identity, contact: await directory.actorByHandle(identity.userId) };
  return { identity, contact: undefined };
}

/** What the inbound handler needs. */
export interface InboundDependencies {
  clock: Clock;
  logger: Logger;
  directory: DirectoryQueries;
  dispatcher: Dispatcher;
  capabilitiesOf(platform: PlatformIdentity["platform"]): AdapterCapabilities;
  /**
   * Handles people's messages in case threads (the relay). It gets the event's key and must make its own effects
   * once-only with it, in the same transaction (a crash between a separate claim and the relay would lose the message).
   */
  threadMessage(actor: Actor, event: Extract<InboundEvent, { type: "message" }>, key: string): Promise<Reply | undefined>;
}

/** The core's one entry point for every adapter: de-duplicates, resolves who is acting, runs, and answers. */
export function createInboundHandler(deps: InboundDependencies): InboundHandler {
  return async (event) => {
    const key = `${event.identity.platform}:${event.type}:${event.eventId}`;
    const actor = { ...(await resolveActor(deps.directory, event.identity)), location: event.where };
    if (event.type === "message") return deps.threadMessage(actor, event, key);
    const line = event.type === "command" ? event.text : withValues(event.command, event.values);
    // The event is claimed once, by the dispatcher, in the same transaction as the command's record where it can be.
    const answer = await deps.dispatcher.runOnce(actor, line, inboundEventClaim(key, deps.clock.now()));
    if (!answer) {
      deps.logger.debug({ key }, "inbound event already processed; ignored");
      return undefined;
    }
    const capabilities = deps.capabilitiesOf(event.identity.platform);
    return { message: answer.message, delivery: chooseDelivery(answer.visibility, capabilities, event.where.isDirect) };
  };
}

/** Appends form values to a button's command as flags. */
function withValues(command: string, values: Record<string, string>): string {
  const flags = Object.entries(values)
    .filter(([, value]) => value !== "")
    .map(([name, value]) => `--${name} ${quoteToken(value)}`);
  return [command, ...flags].join(" ");
}

/** A reply for when something broke inside Liaison (the details are in the log, not in chat). */
export const INTERNAL_ERROR_REPLY: Reply = {
  message: textMessage("✗ Something went wrong inside Liaison; nothing was lost and the operators can see what happened in the log. Please try again in a moment.", "error"),
  delivery: "in-place",
};
