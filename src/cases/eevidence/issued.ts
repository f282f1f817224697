// The one path to a European Production or Preservation Order: /eevidence order (EvidenceService.issue), which
// checks the certificate, the issuer and validator (Art. 4) and the cross-border scope (Art. 3(1)) of Regulation
// (EU) 2023/1543. CaseService.open refuses the two kinds from every other route (/request, imports, the API).
import { fail, type Outcome } from "../../core/result.js";
import type { CaseKind } from "../kinds.js";
import { EEVIDENCE_KINDS } from "./inability.js";

/** Marks an open request made by EvidenceService.issue after its checks; nothing else holds it. */
export const ISSUED_AS_EUROPEAN_ORDER: unique symbol = Symbol("issued as a European order");

/** The refusal for a European order kind opened by any route but /eevidence order, or undefined. */
export function europeanOrderRefusal(request: { kind: CaseKind; issuedAs?: typeof ISSUED_AS_EUROPEAN_ORDER }): Outcome<never> | undefined {
  if (!EEVIDENCE_KINDS.includes(request.kind) || request.issuedAs === ISSUED_AS_EUROPEAN_ORDER) return undefined;
  const type = request.kind === "production-order" ? "production" : "preservation";
  return fail(
    "bad-arguments",
    `A European ${type === "production" ? "Production" : "Preservation"} Order is issued with /eevidence order, which checks who issues and validates it (Art. 4) and that the provider's addressee is in another Member State (Art. 3(1)).`,
    `/eevidence order <provider> --type ${type} --category subscriber|identification|traffic|content --target ... --issuer-file ... --offence ... --provision ...`,
  );
}
