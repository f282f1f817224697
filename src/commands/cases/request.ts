import { z } from "zod";
import { TLP_LABELS } from "../../core/message.js";
import { PRIORITIES } from "../../cases/kinds.js";
import { unreachableReply } from "../../cases/receipt-render.js";
import { statusLine } from "../../cases/render.js";
import { defineCommand } from "../command.js";
import { renderActed } from "./shared.js";

/** /request: open an investigation request towards an organisation (European orders: /eevidence order). */
export const request = defineCommand({
  group: "request",
  summary: "Open an investigation request (European Production and Preservation Orders: /eevidence order)",
  details: "European Production and Preservation Orders (Regulation (EU) 2023/1543) are issued with /eevidence order, which checks the issuer, the validator and the cross-border scope; --kind production-order or preservation-order here is refused with that pointer.",
  args: z.object({
    organisation: z.string().trim().toLowerCase().describe("The recipient's slug, e.g. acme-hosting"),
    kind: z.enum(["investigation-request", "production-order", "preservation-order"]).default("investigation-request").describe("What kind of request (the two European orders are refused here: use /eevidence order)"),
    target: z.string().optional().describe("The account, URL or identifier concerned"),
    data: z.string().optional().describe("What data is requested, produced or preserved"),
    basis: z.string().optional().describe("The legal basis"),
    priority: z.enum(PRIORITIES).optional().describe("Priority"),
    tlp: z.enum(TLP_LABELS).optional().describe("TLP label (default from the case policy)"),
  }),
  positional: ["organisation"],
  examples: [
    '/request acme-hosting --target "customer of 192.0.2.44" --data "subscriber data" --basis "Art. 126na Sv"',
    '/request chirp-social --target "@example_user" --data "account creation date" --basis "Art. 126nc Sv" --priority high',
  ],
  permission: "contact",
  uses: ["cases"],
  async execute({ cases, actor }, args) {
    const fields: Record<string, unknown> = {};
    if (args.target !== undefined) fields.target = args.target;
    if (args.data !== undefined) fields.data = args.data;
    if (args.basis !== undefined) fields.basis = args.basis;
    return cases.open(actor, {
      kind: args.kind,
      recipientSlug: args.organisation,
      ...(args.priority ? { priority: args.priority } : {}),
      ...(args.tlp ? { tlp: args.tlp } : {}),
      fields,
    });
  },
  render: (visible) =>
    visible.unreachable
      ? { ...renderActed("", visible), text: `${unreachableReply(visible.view, visible.unreachable)}\n${statusLine(visible.view, visible.asOf, visible.disclosure)}`, tone: "warning" }
      : renderActed(`Opened ${visible.view.reference} towards ${visible.view.recipient.name}; its thread opens on both sides.`, visible),
});
