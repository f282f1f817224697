import { z } from "zod";
import { ok } from "../../core/result.js";
import { defineCommand } from "../command.js";
import { formatDuration, formatLocal } from "../../time/calendar.js";
import { readerTimeZone, referenceArg } from "./shared.js";

/** /case history: the case's timeline, from the record. */
export const caseHistory = defineCommand({
  group: "case",
  name: "history",
  summary: "Show a case's timeline from the record",
  args: z.object({ reference: referenceArg }),
  positional: ["reference"],
  examples: ["/case history N-2026-0001"],
  permission: "contact",
  uses: ["cases", "caseQueries", "directory"],
  readOnly: true,
  async execute({ cases, caseQueries, directory, actor }, { reference }) {
    const found = await cases.find(actor, reference);
    if (!found.ok) return found;
    return ok({ visible: found.value, entries: await caseQueries.history(found.value.view.id), timeZone: await readerTimeZone(directory, actor) });
  },
  render: ({ visible, entries, timeZone }) => {
    const full = visible.disclosure === "full";
    const lines = entries.map((entry) => {
      const time = formatLocal(entry.at, timeZone);
      const action = entry.action.replace(/^case\./, "");
      const refused = entry.result.startsWith("refused") ? ` (refused: ${String(entry.detail.reason ?? entry.result)})` : "";
      const detail = full ? describeDetail(entry.action, entry.detail) : "";
      const destroyed = full && entry.sealed === "destroyed" ? " [text destroyed with the case's key at the end of its retention]" : "";
      return `${time} · ${entry.actor} · ${action}${detail}${refused}${destroyed}`;
    });
    const title = `History of ${visible.view.reference} (TLP:${visible.view.tlp}), times in ${timeZone}`;
    return { title, tlp: visible.view.tlp, text: [title, ...lines].join("\n"), sections: [{ text: lines.join("\n") }] };
  },
});

/** The interesting part of an entry's detail, in a few words. */
function describeDetail(action: string, detail: Record<string, unknown>): string {
  const inner = (detail.action ?? {}) as Record<string, unknown>;
  if (action === "case.message") return `: ${String(detail.text ?? "")}`;
  if (action === "case.open") return `: ${String(detail.kind)} to ${String(detail.recipient)}`;
  if (action === "case.reminder") {
    const to = Array.isArray(detail.to) ? (detail.to as string[]).join(", ") : "";
    return `: ${String(detail.step)} (${String(detail.of)} deadline)${to ? ` to ${to}` : ""}`;
  }
  if (action === "case.extend" && typeof inner.byMs === "number" && inner.byMs > 0) {
    return `: by ${typeof inner.inWords === "string" ? inner.inWords : formatDuration(inner.byMs)}${typeof inner.reason === "string" ? ` · ${inner.reason}` : ""}`;
  }
  if (action === "case.reassign" && typeof detail.to === "string") return `: to ${detail.to}`;
  const parts = [inner.outcome, inner.reason, inner.question, inner.answer].filter((part) => typeof part === "string" && part !== "");
  return parts.length > 0 ? `: ${parts.join(" · ")}` : "";
}
