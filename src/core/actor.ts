import { identityKey, type EventLocation, type PlatformIdentity } from "./adapter.js";

/** The directory contact behind a chat identity, with what permission checks need. */
export interface ActorContact {
  id: string;
  handle: string;
  name: string;
  organisationId: string;
  organisationSlug: string;
  organisationName: string;
  organisationKind: string;
  coordinator: boolean;
  orgAdmin: boolean;
}

/** Who is acting: the chat identity, and the directory contact it is linked to (undefined when unlinked). */
export interface Actor {
  identity: PlatformIdentity;
  contact: ActorContact | undefined;
  /** Where the command was typed (a case thread lets commands omit the case reference); absent on the CLI. */
  location?: EventLocation;
}

/** The system itself (scheduler, operator commands on the CLI). */
export const OPERATOR_IDENTITY: PlatformIdentity = { platform: "console", workspace: "", userId: "operator" };

/** True when the actor may maintain the given organisation's entry: coordinators, and that organisation's admins. */
export function mayAdminister(actor: Actor, organisationId: string): boolean {
  const contact = actor.contact;
  if (!contact) return false;
  return contact.coordinator || (contact.orgAdmin && contact.organisationId === organisationId);
}

/** The audit fields naming an actor: the contact (or the unlinked chat identity) and where the action came from. */
export function auditActor(actor: Actor): { actorId: string | null; actor: string; via: string } {
  return { actorId: actor.contact?.id ?? null, actor: actor.contact?.handle ?? `unlinked ${identityKey(actor.identity)}`, via: identityKey(actor.identity) };
}
