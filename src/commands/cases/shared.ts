import { z } from "zod";
import type { OutboundMessage } from "../../core/message.js";
import type { VisibleCase } from "../../cases/service.js";
import { renderCard, statusLine } from "../../cases/render.js";
import type { Actor } from "../../core/actor.js";
import type { DirectoryService } from "../../directory/service.js";

/** The time zone a person reads times in: their own, else their organisation's, else UTC. */
export async function readerTimeZone(directory: DirectoryService, actor: Actor): Promise<string> {
  const handle = actor.contact?.handle;
  if (!handle) return "UTC";
  const contact = await directory.read.contact(handle);
  if (contact?.timeZone) return contact.timeZone;
  return (await directory.read.organisation(contact?.organisationSlug ?? actor.contact?.organisationSlug ?? ""))?.timeZone ?? "UTC";
}

/** A case reference such as N-2026-0042 (optional inside the case's thread). */
export const referenceArg = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]-\d{4}-\d{4,}$/, "a case reference such as N-2026-0042")
  .optional()
  .describe("Case reference, e.g. N-2026-0042 (optional in the case's thread)");

/** The reply after a case action: a confirmation line and the case's state and deadlines. */
export function renderActed(done: string, visible: VisibleCase): OutboundMessage {
  const line = statusLine(visible.view, visible.asOf, visible.disclosure);
  return { text: `✓ ${done}\n${line}`, tone: "success", tlp: visible.view.tlp };
}

/** The full card of a case, for /case status: times in the reader's zone when it is given. */
export function renderStatus(visible: VisibleCase & { timeZone?: string }): OutboundMessage {
  const audience = visible.roles.includes("recipient") ? "recipient" : "opener";
  return renderCard(visible.view, visible.asOf, audience, visible.disclosure, true, visible.timeZone);
}
