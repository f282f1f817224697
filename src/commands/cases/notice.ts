import { z } from "zod";
import { TLP_LABELS } from "../../core/message.js";
import { PRIORITIES } from "../../cases/kinds.js";
import { unreachableReply } from "../../cases/receipt-render.js";
import { statusLine } from "../../cases/render.js";
import { CONTENT_TYPES, THREAT_REGIMES } from "../../cases/dsa/vocabulary.js";
import { TCO_CONTENT_TYPES } from "../../cases/removal/form.js";
import { defineCommand } from "../command.js";
import { ok } from "../../core/result.js";
import { duplicateLines, mergeUrls } from "../../cases/duplicates.js";
import { renderActed } from "./shared.js";

/** /notice: open a notice, removal order, CSAM notice or threat-to-life report towards an organisation. */
export const notice = defineCommand({
  group: "notice",
  summary: "Open a notice (or removal order, CSAM notice, threat to life) towards an organisation",
  details:
    "Opens a case thread on your side and on the recipient's side, with the case card and its deadline from the case policy. Liaison does not judge legality: the recipient decides and answers in the thread. " +
    "A URL written twice is kept once. A notice or CSAM notice whose URL is already in an open case of your organisation to the same recipient is not opened: the answer names that case; add to it in its thread, or repeat the command with --again to open a second case deliberately (recorded). A removal order or a threat to life is never held back: it opens, and the reply points out the open case.",
  args: z.object({
    organisation: z.string().trim().toLowerCase().describe("The recipient's slug, e.g. acme-hosting"),
    urls: z.string().trim().optional().describe("The URL(s) concerned, separated by spaces"),
    kind: z.enum(["notice", "removal-order", "csam-notice", "threat-to-life"]).default("notice").describe("What kind of notice"),
    reason: z.string().optional().describe("Why the content is believed to be illegal (removal order: the statement of reasons)"),
    basis: z.string().optional().describe("The legal basis"),
    location: z.string().optional().describe("Threat to life: where (member state, city), if known"),
    priority: z.enum(PRIORITIES).optional().describe("Priority (sets the clock; default from the case policy)"),
    tlp: z.enum(TLP_LABELS).optional().describe("TLP label (default from the case policy); RED goes to the named people only"),
    trustedFlagger: z.boolean().optional().describe("You notify as a trusted flagger (DSA Art. 22): high priority"),
    goodFaith: z.boolean().optional().describe("Notice: you state in good faith that what you say is accurate and complete (DSA Art. 16(2)(d))"),
    contentType: z.string().trim().max(200).optional().describe(`Notice: the type of alleged illegal content (${CONTENT_TYPES.length} DSA types, e.g. illegal-speech); removal order: the type(s) of terrorist content, comma-separated: ${TCO_CONTENT_TYPES.join(", ")} (TCO Art. 2(7))`),
    redress: z.string().max(3000).optional().describe("Removal order: the redress available to the provider and the content provider, with the deadlines for appeal (TCO Art. 3(4)(f))"),
    memberState: z.string().max(10).optional().describe("Removal order: the issuing Member State (taken from the issuer when left out)"),
    reference: z.string().max(200).optional().describe("Removal order: the order's own reference number"),
    issuedAt: z.string().max(60).optional().describe("Removal order: when it was issued, with its offset (default: now)"),
    legalRepresentative: z.string().max(1000).optional().describe("Removal order: the addressee's legal representative (default: the directory's legal contact of the recipient)"),
    nonDisclosure: z.boolean().optional().describe("Removal order: the provider must not tell the content provider, for public security (TCO Art. 11(3))"),
    hostMemberState: z.string().max(10).optional().describe("Removal order: the Member State of the provider's main establishment or legal representative, when not the issuing one; its authority gets a copy (TCO Art. 4(1))"),
    memberStates: z.string().max(200).optional().describe("Threat to life: the Member State(s) concerned, e.g. NL,DE (leave out when unknown)"),
    regime: z.enum(THREAT_REGIMES).optional().describe("Threat to life: reported under DSA Art. 18 or TCO Art. 14(5) (terrorist content)"),
    publishedAt: z.string().max(60).optional().describe("Threat to life: when the content was published, with its offset, e.g. 2026-11-20T14:05+01:00"),
    knownAt: z.string().max(60).optional().describe("Threat to life: when you first knew of it, with its offset"),
    emergencyJustification: z.string().trim().min(3, "the emergency, in a few words at least").max(4000).optional().describe("Removal order: the duly justified emergency for issuing without the 12 hours' advance information (TCO Art. 3(2))"),
    again: z.boolean().optional().describe("Open a second case although a URL is already in an open case of your organisation to the same recipient (recorded as deliberate; only a notice or CSAM notice is held back without it)"),
  }),
  positional: ["organisation", "urls"],
  rest: "urls",
  examples: [
    '/notice acme-hosting https://example.test/video/123 --reason "incites violence" --basis "Art. 131 Sr"',
    '/notice acme-hosting https://example.test/video/123 --kind removal-order --content-type incitement --reason "glorifies the attack of 3 May and calls for more" --redress "objection to the issuing authority within 6 weeks, then appeal to the court"',
    '/notice chirp-social https://chirp.example/p/12 --reason "insults the mayor" --basis "Art. 266 Sr"',
    '/notice chirp-social https://chirp.example/p/9 --kind threat-to-life --reason "announces an attack tomorrow" --location "Utrecht, NL"',
    '/notice nl-police-cyber https://chirp.example/p/9 --kind threat-to-life --reason "names a school and a time" --member-states NL --published-at 2026-11-20T08:12+01:00',
  ],
  permission: "contact",
  uses: ["cases"],
  async execute({ cases, actor }, args) {
    // The same URL written twice (in another case, with a #fragment) is one URL.
    const { urls, merged } = mergeUrls(args.urls ? args.urls.split(/\s+/).filter(Boolean) : []);
    const fields: Record<string, unknown> = { urls };
    if (args.reason !== undefined) fields.reason = args.reason;
    if (args.basis !== undefined) fields.basis = args.basis;
    if (args.location !== undefined) fields.location = args.location;
    if (args.trustedFlagger !== undefined && args.kind === "notice") fields.trustedFlagger = args.trustedFlagger;
    if (args.goodFaith !== undefined && args.kind === "notice") fields.goodFaith = args.goodFaith;
    if (args.contentType !== undefined && args.kind === "removal-order") fields.contentTypes = args.contentType.split(/[\s,]+/).filter(Boolean);
    else if (args.contentType !== undefined) fields.contentType = args.contentType;
    const removal = { redress: args.redress, memberState: args.memberState, reference: args.reference, issuedAt: args.issuedAt, legalRepresentative: args.legalRepresentative, nonDisclosure: args.nonDisclosure, hostMemberState: args.hostMemberState };
    for (const [key, value] of Object.entries(removal)) if (value !== undefined) fields[key] = value;
    if (args.memberStates !== undefined) fields.memberStates = args.memberStates.split(/[\s,]+/).filter(Boolean);
    if (args.regime !== undefined) fields.regime = args.regime;
    if (args.publishedAt !== undefined) fields.publishedAt = args.publishedAt;
    if (args.knownAt !== undefined) fields.knownAt = args.knownAt;
    const opened = await cases.open(actor, {
      kind: args.kind,
      recipientSlug: args.organisation,
      ...(args.priority ? { priority: args.priority } : {}),
      ...(args.tlp ? { tlp: args.tlp } : {}),
      ...(args.emergencyJustification !== undefined ? { emergencyJustification: args.emergencyJustification } : {}),
      // A notice whose URL is in an open case of the same organisation to the same recipient is refused before it
      // opens, unless --again; a removal order or a threat to life opens and warns (cases/duplicates.ts).
      duplicates: args.again ? "again" : "check",
      fields,
    });
    if (!opened.ok) return opened;
    const { repeats: open, openedAgainBeside, ...changed } = opened.value;
    return ok({ ...changed, repeats: duplicateLines(changed.view.recipient.slug, merged, urls.length, open, "notice", openedAgainBeside), warn: open !== undefined });
  },
  render: ({ repeats, warn, ...visible }) => {
    const reply = visible.unreachable
      ? { ...renderActed("", visible), text: `${unreachableReply(visible.view, visible.unreachable)}\n${statusLine(visible.view, visible.asOf, visible.disclosure)}`, tone: "warning" as const }
      : renderActed(`Opened ${visible.view.reference} towards ${visible.view.recipient.name}; its thread opens on both sides.`, visible);
    return repeats.length === 0 ? reply : { ...reply, text: [reply.text, ...repeats].join("\n"), ...(warn ? { tone: "warning" as const } : {}) };
  },
});
