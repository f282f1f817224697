// Linking chat accounts the way people do: a coordinator or admin asks (/contacts link), Liaison sends the code to
// the account by direct message (an outbox row), and the person types it from that account (/contacts confirm-link).
import { expect } from "vitest";
import { canonicalIdentity, type PlatformIdentity } from "../../src/core/adapter.js";
import type { OutboundMessage } from "../../src/core/message.js";
import type { Store } from "../../src/store/db.js";
import type { TestCore } from "./core.js";

/** An outbox message as written, decoded. */
export interface SentMessage {
  destination: { type: string; contactId?: string; destination?: { kind: string; platform: string; workspace: string; userId: string } };
  message: OutboundMessage;
}

/** Every outbox message, oldest first, decoded. */
export async function sentMessages(store: Store): Promise<SentMessage[]> {
  const rows = await store.db.outboxMessage.findMany({ orderBy: { seq: "asc" } });
  return rows.map((row) => ({ destination: JSON.parse(row.destination) as SentMessage["destination"], message: JSON.parse(row.message) as OutboundMessage }));
}

/** The messages sent by direct message to a chat account (by address). */
export async function sentToAccount(store: Store, identity: Pick<PlatformIdentity, "platform" | "workspace" | "userId">): Promise<OutboundMessage[]> {
  const key = canonicalIdentity(identity);
  return (await sentMessages(store))
    .filter(({ destination }) => destination.type === "address" && destination.destination?.kind === "direct" && destination.destination.platform === key.platform && destination.destination.workspace === key.workspace && destination.destination.userId === key.userId)
    .map(({ message }) => message);
}

/** The messages sent to a contact (by contact id, on whichever account the outbox picks). */
export async function sentToContact(store: Store, handle: string): Promise<OutboundMessage[]> {
  const contact = await store.db.contact.findUniqueOrThrow({ where: { handle } });
  return (await sentMessages(store)).filter(({ destination }) => destination.type === "contact" && destination.contactId === contact.id).map(({ message }) => message);
}

/** The latest link code sent to the account (read from its button), or undefined. */
export async function sentLinkCode(store: Store, identity: Pick<PlatformIdentity, "platform" | "workspace" | "userId">): Promise<string | undefined> {
  const messages = await sentToAccount(store, identity);
  const command = messages.flatMap((message) => message.actions ?? []).filter((action) => action.id === "confirm-link").at(-1)?.command;
  return command?.split(" ").at(-1);
}

/** Links the account to the contact through the proof flow: asked for by `requester`, confirmed from the account. */
export async function linkProven(core: TestCore, requester: string, handle: string, identity: PlatformIdentity): Promise<void> {
  const workspace = identity.workspace ? ` --workspace ${identity.workspace}` : "";
  const asked = await core.dispatcher.run(await core.actor(requester), `/contacts link ${handle} ${identity.platform} ${identity.userId}${workspace}`);
  expect(asked.failure, asked.message.text).toBeUndefined();
  const code = await sentLinkCode(core.store, identity);
  expect(code, "a code was sent to the account").toBeDefined();
  const confirmed = await core.dispatcher.run(await core.actorOf(identity), `/contacts confirm-link ${code}`);
  expect(confirmed.failure, confirmed.message.text).toBeUndefined();
  expect((await core.actorOf(identity)).contact?.handle).toBe(handle);
}
