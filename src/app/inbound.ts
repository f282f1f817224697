import type { Logger } from "pino";
import { quoteToken } from "../core/catalog.js";
import type { AdapterCapabilities, InboundEvent, InboundHandler, PlatformIdentity, Reply, ReplyDelivery } from "../core/adapter.js";
import type { Actor } from "../core/actor.js";
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import { textMessage } from "../core/message.js";
import type { CommandAnswer, Dispatcher } from "../commands/dispatch.js";
import type { Services } from "../commands/services.js";
import { DirectoryQueries } from "../directory/queries.js";
import type { Store } from "../store/db.js";
import { claimInboundEvent } from "../store/inbound-events.js";
import { UnitOfWork } from "../work/unit-of-work.js";
import type { ThreadRelay } from "./relay.js";

/** How a reply reaches the asker: private answers use ephemeral replies, else a DM, else the place they asked. */
export function chooseDelivery(visibility: CommandAnswer["visibility"], capabilities: AdapterCapabilities, isDirect: boolean): ReplyDelivery {
  if (visibility === "public" || isDirect) return "in-place";
  if (capabilities.ephemeral) return "ephemeral";
  if (capabilities.directMessages) return "direct";
  return "in-place";
}

/**
 * Turns a platform identity into the actor: the contact its account is linked to; where the platform's user ids are
 * directory handles (the console), the contact with that handle.
 */
export async function resolveActor(directory: DirectoryQueries, identity: PlatformIdentity, capabilities: Pick<AdapterCapabilities, "userIdIsHandle">): Promise<Actor> {
  if (capabilities.userIdIsHandle) return { identity, contact: await directory.actorByHandle(identity.userId) };
  return { identity, contact: await directory.actorFor(identity) };
}

/** What the inbound handler needs. */
export interface InboundDependencies {
  store: Pick<Store, "transaction">;
  clock: Clock;
  /** The record's keys, for each event's unit of work. */
  keys: RecordKeys;
  logger: Logger;
  dispatcher: Dispatcher;
  /** The services of one unit of work. */
  servicesFor(work: UnitOfWork): Services;
  /** Relays people's messages in case threads. */
  relay: ThreadRelay;
  capabilitiesOf(platform: PlatformIdentity["platform"]): AdapterCapabilities;
}

/** The key an inbound event is claimed under: a redelivery of the same event has the same key. */
export function inboundEventKey(event: InboundEvent): string {
  return `${event.identity.platform}:${event.type}:${event.eventId}`;
}

/**
 * The core's one entry point for every adapter. Each event is one unit of work: its claim, whoever it acts as, the
 * change it makes, the messages that change causes and its record entries commit in one transaction, or none do (a
 * failure leaves no claim, so the platform's redelivery runs it). A redelivery of an event already handled is ignored.
 */
export function createInboundHandler(deps: InboundDependencies): InboundHandler {
  return (event) =>
    deps.store.transaction(async (tx) => {
      const key = inboundEventKey(event);
      // The claim is the transaction's first statement, a write: on SQLite it takes the write lock at once (so the
      // store takes no lock before it).
      if (!(await claimInboundEvent(tx, key, deps.clock.now()))) {
        deps.logger.debug({ key }, "inbound event already processed; ignored");
        return undefined;
      }
      const work = new UnitOfWork(tx, deps.clock, deps.keys);
      const capabilities = deps.capabilitiesOf(event.identity.platform);
      const actor: Actor = { ...(await resolveActor(new DirectoryQueries(tx), event.identity, capabilities)), location: event.where };
      let reply: Reply | undefined;
      if (event.type === "message") {
        reply = await deps.relay(deps.servicesFor(work).cases, actor, event, key);
      } else {
        const line = event.type === "command" ? event.text : withValues(event.command, event.values);
        const answer = await deps.dispatcher.runIn(work, actor, line);
        reply = { message: answer.message, delivery: chooseDelivery(answer.visibility, capabilities, event.where.isDirect) };
      }
      await work.commit();
      return reply;
    }, { startsWithWrite: true });
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
  message: textMessage("✗ Something went wrong inside Liaison; nothing of it was kept, and the operators can see what happened in the log. Please try again in a moment.", "error"),
  delivery: "in-place",
};
