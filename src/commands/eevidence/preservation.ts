import { z } from "zod";
import { defineCommand } from "../command.js";
import { referenceArg } from "../cases/shared.js";
import { renderEvidenceActed } from "./shared.js";

const args = z.object({ reference: referenceArg });

/** /eevidence preserved: the addressee preserved the data; 60 days run (Art. 11(1)). */
export const eevidencePreserved = defineCommand({
  group: "eevidence",
  name: "preserved",
  summary: "The data is preserved; the 60 days of Art. 11(1) start (the addressee)",
  args,
  positional: ["reference"],
  examples: ["/eevidence preserved S-2026-0001"],
  permission: "contact",
  uses: ["eevidenceActions"],
  execute: ({ eevidenceActions, actor }, { reference }) => eevidenceActions.preserved(actor, reference),
  render: renderEvidenceActed,
});

/** /eevidence extend: the issuing authority extends a preservation once by 30 days (Annex VI). */
export const eevidenceExtend = defineCommand({
  group: "eevidence",
  name: "extend",
  summary: "Extend a preservation once by 30 days (Annex VI; the issuing authority)",
  args,
  positional: ["reference"],
  examples: ["/eevidence extend S-2026-0001"],
  permission: "contact",
  uses: ["eevidenceActions"],
  execute: ({ eevidenceActions, actor }, { reference }) => eevidenceActions.preservation(actor, reference, { type: "extend" }),
  render: renderEvidenceActed,
});

/** /eevidence subsequent: the issuing authority confirms a subsequent request for production (Annex V). */
export const eevidenceSubsequent = defineCommand({
  group: "eevidence",
  name: "subsequent",
  summary: "Confirm a subsequent request for production: preserve until it is produced (Annex V; the issuing authority)",
  args,
  positional: ["reference"],
  examples: ["/eevidence subsequent S-2026-0001"],
  permission: "contact",
  uses: ["eevidenceActions"],
  execute: ({ eevidenceActions, actor }, { reference }) => eevidenceActions.preservation(actor, reference, { type: "confirm-subsequent-request" }),
  render: renderEvidenceActed,
});

/** /eevidence release: the preservation is no longer necessary (Art. 11(3)). */
export const eevidenceRelease = defineCommand({
  group: "eevidence",
  name: "release",
  summary: "The preservation is no longer necessary; the duty ends (Art. 11(3); the issuing authority)",
  args,
  positional: ["reference"],
  examples: ["/eevidence release S-2026-0001"],
  permission: "contact",
  uses: ["eevidenceActions"],
  execute: ({ eevidenceActions, actor }, { reference }) => eevidenceActions.preservation(actor, reference, { type: "release" }),
  render: renderEvidenceActed,
});
