import type { OutboundMessage } from "../../core/message.js";
import type { Tlp } from "../../core/message.js";
import type { EvidenceActed } from "../../cases/eevidence/service.js";
import { renderEvidenceUpdate } from "../../cases/eevidence/render.js";

/** The reply after an e-Evidence action: the same line the threads get. */
export function renderEvidenceActed(acted: EvidenceActed): OutboundMessage {
  return { ...renderEvidenceUpdate(acted.reference, acted.update, acted.tlp), tone: "success", tlp: acted.tlp as Tlp };
}
