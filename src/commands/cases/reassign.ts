import { z } from "zod";
import { handleSchema } from "../../directory/model.js";
import { fail } from "../../core/result.js";
import { defineCommand } from "../command.js";
import { referenceArg, renderActed } from "./shared.js";

/** /case reassign: the recipient (or a coordinator) names another of its contacts as responsible. */
export const caseReassign = defineCommand({
  group: "case",
  name: "reassign",
  summary: "Make another contact of the recipient responsible for a case",
  args: z.object({ reference: referenceArg, to: handleSchema.describe("The contact's handle") }),
  positional: ["reference"],
  examples: ["/case reassign N-2026-0001 --to eva.mulder"],
  permission: "contact",
  uses: ["cases", "directory"],
  async execute({ cases, directory, actor }, { reference, to }) {
    const target = await directory.read.contact(to);
    if (!target) return fail("not-found", `There is no contact "${to}".`, "Find contacts with /contacts show <organisation>.");
    return cases.act(actor, reference, { type: "reassign", contactId: target.id });
  },
  render: (visible) => {
    const to = visible.view.responsible;
    return renderActed(`Reassigned ${visible.view.reference} to ${to ? `${to.name} (${to.handle})` : "nobody"}: ${to ? "they are" : "nobody is"} now responsible.`, visible);
  },
});
