import { z } from "zod";
import { TLP_LABELS } from "../../core/message.js";
import { DATA_CATEGORIES, ORDER_TYPES } from "../../cases/eevidence/certificate.js";
import { defineCommand } from "../command.js";
import { renderActed } from "../cases/shared.js";

const slug = z.string().trim().toLowerCase().max(64);
const text = (max: number) => z.string().max(max);

/** /eevidence order: issue a European Production Order (EPOC, Annex I) or Preservation Order (EPOC-PR, Annex II). */
export const eevidenceOrder = defineCommand({
  group: "eevidence",
  name: "order",
  summary: "Issue a European Production or Preservation Order (Regulation (EU) 2023/1543) to a provider in another Member State",
  details:
    "The certificate's fields (Annex I, II). Subscriber and identification data: a judge, court, investigating judge or prosecutor issues, or validates (Art. 4(1)); " +
    "traffic and content data: a judge, court or investigating judge (Art. 4(2)), and the enforcing authority of the addressee's Member State is notified (Art. 8). " +
    "Emergencies: 8 hours (Art. 10(4)); issued without prior validation, they are validated within 48 hours (Art. 4(5)).",
  args: z.object({
    organisation: slug.describe("The provider's slug; the order goes to its designated establishment or legal representative"),
    type: z.enum(ORDER_TYPES).default("production").describe("production (EPOC) or preservation (EPOC-PR)"),
    category: z.enum(DATA_CATEGORIES).describe("The data category (Art. 3(9)-(12))"),
    target: text(1000).describe("The user, account or identifier whose data is sought"),
    issuerFile: text(100).describe("The issuing authority's file number"),
    validator: slug.optional().describe("The validating authority's slug (Art. 4(1)(b), 4(2)(b), 4(3)(b))"),
    validatorFile: text(100).optional().describe("The validating authority's file number"),
    from: text(40).optional().describe("Start of the period concerned, with offset (traffic, content)"),
    to: text(40).optional().describe("End of the period concerned, with offset"),
    offence: text(2000).describe("The offence: its nature and legal classification"),
    provision: text(500).describe("The statutory provision of the issuing State"),
    emergency: text(2000).optional().describe("Emergency (Art. 3(18)): why; 8 hours instead of 10 days"),
    deliverTo: text(500).optional().describe("EPOC: where the data is to be sent"),
    enforcing: slug.optional().describe("EPOC for traffic or content data: the enforcing authority notified (Art. 8)"),
    residentInIssuingState: z.boolean().optional().describe("Art. 8(2): offence in the issuing State and the person resides there"),
    tlp: z.enum(TLP_LABELS).optional().describe("TLP label: AMBER+STRICT at least (Art. 13(4)); a lower one is raised"),
  }),
  positional: ["organisation"],
  examples: [
    '/eevidence order chirp-social --category subscriber --target "@example_user" --issuer-file "OM 2026/17" --offence "fraud (oplichting)" --provision "Art. 326 Sr" --deliver-to "nl-om-rotterdam"',
    '/eevidence order chirp-social --type preservation --category content --target "@example_user" --issuer-file "OM 2026/18" --offence "fraud" --provision "Art. 326 Sr" --from 2026-10-01T00:00:00+02:00 --to 2026-11-01T00:00:00+01:00',
  ],
  permission: "contact",
  uses: ["eevidence"],
  async execute({ eevidence, actor }, { organisation, type, tlp, ...fields }) {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) raw[key] = value;
    return eevidence.issue(actor, type, organisation, raw, tlp);
  },
  render: (visible) => renderActed(`Issued ${visible.view.reference} to ${visible.view.recipient.name}; its thread opens on each side.`, visible),
});
