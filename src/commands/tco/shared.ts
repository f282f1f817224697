import { z } from "zod";
import type { OutboundMessage, Tlp } from "../../core/message.js";
import { renderTcoUpdate } from "../../cases/tco/render.js";
import type { TcoActed } from "../../cases/tco/service.js";

/** A removal order's reference, e.g. R-2026-0042. */
export const orderArg = z.string().trim().toUpperCase().regex(/^R-\d{4}-\d{4,}$/, "a removal order's reference such as R-2026-0042").describe("The removal order's reference, e.g. R-2026-0042");

/** An instant with its offset from UTC, so that no time zone is guessed. */
export const instantArg = z
  .string()
  .trim()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/, "a time with its offset from UTC, e.g. 2026-11-20T14:05+01:00 or 2026-11-20T13:05Z")
  .refine((text) => !Number.isNaN(Date.parse(text)), "a real date and time, e.g. 2026-11-20T14:05+01:00")
  .transform((text) => new Date(text));

/** A person's reasons: a few words at least, at most 4,000 characters (the record keeps them whole). */
export const reasonsArg = z.string().trim().min(3, "in a few words at least").max(4000);

/** The reply after a TCO action: the same line the threads get. */
export function renderTcoActed(acted: TcoActed): OutboundMessage {
  return { ...renderTcoUpdate(acted.reference, acted.update, acted.tlp, acted.timeZone), tone: "success", tlp: acted.tlp as Tlp };
}
