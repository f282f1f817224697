import { z } from "zod";
import type { OutboundMessage, Tlp } from "../../core/message.js";
import { instantDateSchema } from "../../time/instant.js";
import { renderTcoUpdate } from "../../cases/tco/render.js";
import type { TcoActed } from "../../cases/tco/service.js";

/** A removal order's reference, e.g. R-2026-0042. */
export const orderArg = z.string().trim().toUpperCase().regex(/^R-\d{4}-\d{4,}$/, "a removal order's reference such as R-2026-0042").describe("The removal order's reference, e.g. R-2026-0042");

/** An instant with its offset from UTC, so that no time zone is guessed. */
export const instantArg = instantDateSchema;

/** A person's reasons: a few words at least, at most 4,000 characters (the record keeps them whole). */
export const reasonsArg = z.string().trim().min(3, "in a few words at least").max(4000);

/** The reply after a TCO action: the same line the threads get. */
export function renderTcoActed(acted: TcoActed): OutboundMessage {
  return { ...renderTcoUpdate(acted.reference, acted.update, acted.tlp, acted.timeZone), tone: "success", tlp: acted.tlp as Tlp };
}
