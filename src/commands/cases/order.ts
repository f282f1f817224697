import { z } from "zod";
import { TLP_LABELS } from "../../core/message.js";
import { PRIORITIES } from "../../cases/kinds.js";
import { CONTENT_TYPES } from "../../cases/dsa/vocabulary.js";
import { defineCommand } from "../command.js";
import { ok } from "../../core/result.js";
import { duplicateLines, mergeUrls } from "../../cases/duplicates.js";
import { renderActed } from "./shared.js";

/** /order: issue a DSA Art. 9 order to act against illegal content, an Art. 10 order to provide information, or an ATKM order. */
export const order = defineCommand({
  group: "order",
  summary: "Issue a DSA order (Art. 9 act against content, Art. 10 provide information) or an ATKM order",
  details:
    "A DSA order is issued by a national judicial or administrative authority; its issuing Member State is the issuer's country. " +
    "An ATKM order (child sexual abuse material) is issued by the organisation designated nl-atkm only, with a term of at most 12 hours (--term). " +
    "Liaison records and reminds; the channel the law prescribes for serving an order stays the issuer's to use. " +
    "A URL written twice is kept once, and a URL already in an open case to the same recipient is pointed out, as with /notice; an order is never held back by it (the law's clock runs from the order).",
  args: z.object({
    organisation: z.string().trim().toLowerCase().max(100).describe("The recipient's slug, e.g. acme-hosting"),
    urls: z.string().trim().max(20_000).optional().describe("The exact URL(s), separated by spaces (Art. 9 and ATKM orders)"),
    kind: z.enum(["dsa-act-order", "dsa-info-order", "atkm-order"]).default("dsa-act-order").describe("dsa-act-order (Art. 9), dsa-info-order (Art. 10) or atkm-order"),
    basis: z.string().max(5000).optional().describe("The legal basis under Union or national law"),
    reason: z.string().max(5000).optional().describe("The statement of reasons"),
    scope: z.string().max(1000).optional().describe("Art. 9: the territorial scope of the order"),
    redress: z.string().max(3000).optional().describe("The redress available to the provider and the recipient(s) concerned"),
    contentType: z.enum(CONTENT_TYPES).optional().describe("The type of illegal content (for the DSA Art. 15 figures)"),
    memberState: z.string().max(10).optional().describe("The issuing Member State (taken from the issuer when left out)"),
    inform: z.string().max(1000).optional().describe("The authority to inform of the effect, where not the issuer"),
    reference: z.string().max(200).optional().describe("The order's own reference"),
    target: z.string().max(2000).optional().describe("Art. 10: the recipient(s) of the service concerned (account names, identifiers)"),
    data: z.string().max(5000).optional().describe("Art. 10: the specific information sought"),
    reasonsWithheld: z.boolean().optional().describe("Art. 10: no statement of reasons, for the prevention or prosecution of criminal offences"),
    term: z.string().max(20).optional().describe("ATKM: the term for removal, e.g. 1h (at most 12h)"),
    priority: z.enum(PRIORITIES).optional().describe("Priority (default from the case policy)"),
    tlp: z.enum(TLP_LABELS).optional().describe("TLP label (default from the case policy)"),
    again: z.boolean().optional().describe("Record that the order is issued deliberately beside your organisation's open cases holding its URLs (an order is never held back by them)"),
  }),
  positional: ["organisation", "urls"],
  rest: "urls",
  examples: [
    '/order acme-hosting https://example.test/p/7 --basis "Art. 54a Sr" --reason "offers counterfeit medicines, Art. 174 Sr" --scope "the Netherlands" --redress "objection within 6 weeks (Awb)" --content-type unsafe-products',
    '/order chirp-social --kind dsa-info-order --target "@example_user" --data "the e-mail address registered" --basis "Art. 126nc Sv" --reason "identify the author of threats" --redress "complaint to the court (Art. 552a Sv)"',
    "/order acme-hosting https://example.test/img/1 --kind atkm-order --term 1h",
  ],
  permission: "contact",
  uses: ["cases"],
  async execute({ cases, actor }, args) {
    // The same URL written twice (in another case, with a #fragment) is one URL, as in /notice.
    const { urls, merged } = mergeUrls(args.urls ? args.urls.split(/\s+/).filter(Boolean) : []);
    const fields: Record<string, unknown> = {};
    if (args.kind !== "dsa-info-order") fields.urls = urls;
    else if (args.urls) fields.urls = urls; // refused by the form: an Art. 10 order names recipients, not URLs
    const copy = { basis: args.basis, reason: args.reason, scope: args.scope, redress: args.redress, contentType: args.contentType, memberState: args.memberState, inform: args.inform, reference: args.reference, target: args.target, data: args.data, reasonsWithheld: args.reasonsWithheld, termMs: args.term };
    for (const [key, value] of Object.entries(copy)) if (value !== undefined) fields[key] = value;
    // A legal order is never held back by an open case to the same URL (its clock is the law's): it opens, and the
    // reply points the open case out (cases/duplicates.ts, DUPLICATE_RULES).
    const opened = await cases.open(actor, { kind: args.kind, recipientSlug: args.organisation, ...(args.priority ? { priority: args.priority } : {}), ...(args.tlp ? { tlp: args.tlp } : {}), duplicates: args.again ? "again" : "check", fields });
    if (!opened.ok) return opened;
    const { repeats: open, openedAgainBeside, ...changed } = opened.value;
    return ok({ ...changed, repeats: duplicateLines(changed.view.recipient.slug, merged, urls.length, open, "order", openedAgainBeside), warn: open !== undefined });
  },
  render: ({ repeats, warn, ...visible }) => {
    const reply = renderActed(`Issued ${visible.view.reference} to ${visible.view.recipient.name}; its thread opens on both sides.`, visible);
    return repeats.length === 0 ? reply : { ...reply, text: [reply.text, ...repeats].join("\n"), ...(warn ? { tone: "warning" as const } : {}) };
  },
});
