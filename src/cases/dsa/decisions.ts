// A recipient's decision on a case with the facts the law asks it to state, beyond the outcome: when effect was
// given to an order (DSA Art. 9(1), 10(1)), the statement of reasons for a decision on a notice (DSA Art. 17(3)), who
// hosts material that is not hosted here (EOKM addendum). The case is resolved through CaseService.act, and the
// decision stored in CaseDecision, in the same unit of work.
import type { Actor } from "../../core/actor.js";
import { auditActor } from "../../core/actor.js";
import { fail, ok, type Outcome as Result } from "../../core/result.js";
import { formatLocal } from "../../time/calendar.js";
import type { UnitOfWork } from "../../work/unit-of-work.js";
import { KIND_INFO, OUTCOMES_NEEDING_REASON, type CaseKind, type Outcome } from "../kinds.js";
import type { CaseChanged, CaseService } from "../service.js";
import type { CaseView } from "../view.js";
import type { Ground, Restriction } from "./vocabulary.js";
import { removalFeedback } from "../removal/feedback.js";
import type { CaseRole } from "../lifecycle.js";

/** What the recipient states with its outcome. */
export interface DecisionInput {
  outcome: Outcome;
  reason?: string;
  /** When effect was given (the content removed, the information provided). */
  effectAt?: Date;
  restriction?: Restriction;
  /** A notice: law or terms (DSA Art. 17(3)); a removal order not executed: its Annex III ground (removal/form.ts). */
  ground?: Ground | string;
  /** The legal or contractual ground relied on, and why (Art. 17(3)(d)/(e)). */
  groundText?: string;
  automatedDetection?: boolean;
  automatedDecision?: boolean;
  host?: string;
}

/** Outcomes that give effect to what was asked, and so say when. */
const EFFECT_OUTCOMES: readonly Outcome[] = ["effect-given", "information-provided", "removed", "access-disabled"];

/** Kinds whose decision is a DSA Art. 17 statement of reasons (a hosting provider's decision on a notice). */
const STATEMENT_KINDS: readonly CaseKind[] = ["notice"];

/** The restriction an outcome applies where none is named. */
const RESTRICTION_OF: Partial<Record<Outcome, Restriction>> = { removed: "removal", "access-disabled": "access-disabled", "no-action": "none" };

/** Decides cases with the facts their outcome needs. */
export class CaseDecisions {
  constructor(
    private readonly work: UnitOfWork,
    private readonly cases: CaseService,
  ) {}

  /** Resolves the case with the outcome and its stated facts, or refuses saying which fact is missing or wrong. */
  async decide(actor: Actor, reference: string | undefined, input: DecisionInput): Promise<Result<CaseChanged>> {
    const found = await this.cases.find(actor, reference);
    // A case the actor may not see is refused by CaseService.act, which records the refusal.
    if (!found.ok) return this.cases.act(actor, reference, { type: "resolve", outcome: input.outcome });
    const { view, roles } = found.value;
    // Who may decide is who may resolve: CaseService.act refuses (and records) anyone else, before any fact is read.
    if (!roles.includes("recipient") && !roles.includes("coordinator")) return this.cases.act(actor, view.reference, { type: "resolve", outcome: input.outcome });
    if (!KIND_INFO[view.kind].outcomes.includes(input.outcome)) return this.cases.act(actor, view.reference, { type: "resolve", outcome: input.outcome });
    // The reason the outcome needs is the recipient's own: the stated facts appended to it never stand in for it.
    if (OUTCOMES_NEEDING_REASON.includes(input.outcome) && !input.reason?.trim()) {
      return this.cases.act(actor, view.reference, { type: "resolve", outcome: input.outcome, decided: true });
    }
    const checked = this.check(view, input, roles);
    if (!checked.ok) return checked;
    const statement = checked.value;
    const reason = [input.reason?.trim(), describe(statement, view.recipient.timeZone)].filter(Boolean).join(". ");
    // A removal order's Annex II time of effect goes with the resolve: TCO Art. 6(2) preservation starts from it, once.
    const effect = view.kind === "removal-order" && statement.effectAt ? { effectAt: statement.effectAt } : {};
    const resolved = await this.cases.act(actor, view.reference, { type: "resolve", outcome: input.outcome, decided: true, ...(reason ? { reason } : {}), ...effect });
    if (!resolved.ok) return resolved;
    const at = this.work.clock.now();
    const row = {
      outcome: input.outcome, effectAt: statement.effectAt ?? null, restriction: statement.restriction ?? null, ground: statement.ground ?? null,
      groundText: statement.groundText ?? null, automatedDetection: statement.automatedDetection ?? null, automatedDecision: statement.automatedDecision ?? null,
      host: statement.host ?? null, decidedAt: at, decidedById: actor.contact?.id ?? "",
    };
    await this.work.tx.caseDecision.upsert({ where: { caseId: view.id }, create: { caseId: view.id, ...row }, update: row });
    this.work.record({
      ...auditActor(actor), action: "case.decision", subjectType: "case", subjectId: view.reference, caseId: view.id, result: "ok",
      detail: { ...row, decidedAt: undefined, decidedById: undefined },
    });
    return resolved;
  }

  /**
   * `/case resolve`: a removal order is decided with its Annex II or III facts (time of effect, default now; the
   * ground of non-execution); other kinds resolve as before, and refuse those flags.
   */
  async resolve(actor: Actor, reference: string | undefined, input: { outcome: Outcome; reason?: string; effectiveAt?: Date; ground?: string }): Promise<Result<CaseChanged>> {
    const found = await this.cases.find(actor, reference);
    if (!found.ok) return this.cases.act(actor, reference, { type: "resolve", outcome: input.outcome });
    const { view } = found.value;
    const { effectiveAt, ground, ...plain } = input;
    if (view.kind === "removal-order") return this.decide(actor, view.reference, { ...plain, ...(effectiveAt ? { effectAt: effectiveAt } : {}), ...(ground ? { ground } : {}) });
    if (effectiveAt || ground) return fail("bad-arguments", `--effective-at and --ground belong to removal orders; ${view.reference} is not one.`, `Use /case decide ${view.reference} --outcome ${input.outcome} --effect-at <time> (and --ground law|terms for a notice).`);
    return this.cases.act(actor, view.reference, { type: "resolve", outcome: input.outcome, ...(input.reason ? { reason: input.reason } : {}) });
  }

  /** The facts to store, or a refusal naming the flag. */
  private check(view: CaseView, input: DecisionInput, roles: readonly CaseRole[]): Result<Omit<DecisionInput, "outcome" | "reason">> {
    if (view.kind === "removal-order") {
      if (input.restriction !== undefined || input.groundText !== undefined || input.automatedDetection !== undefined || input.automatedDecision !== undefined || input.host !== undefined) {
        return fail("bad-arguments", "A removal order's answer is the measure (the outcome), its time (--effective-at) or, when not executed, the Annex III ground (--ground) and --reason.");
      }
      // Receipt when the recipient acts first (receipt.ts): this action is the receipt.
      const now = this.work.clock.now();
      const receivedAt = view.receivedAt ?? (roles.includes("recipient") ? now : view.openedAt);
      return removalFeedback(input, { now, receivedAt, reference: view.reference, receiptRecorded: view.receivedAt !== null });
    }
    const kindLabel = KIND_INFO[view.kind].label.toLowerCase();
    const statementKind = STATEMENT_KINDS.includes(view.kind);
    const refuse = (message: string, hint?: string) => fail("bad-arguments", message, hint);
    const effect = EFFECT_OUTCOMES.includes(input.outcome);
    if (input.effectAt && !effect) return refuse(`--effect-at: "${input.outcome}" gives no effect, so it has no time of effect.`);
    if (input.outcome === "effect-given" || input.outcome === "information-provided") {
      // DSA Art. 9(1) / 10(1): "specifying if and when effect was given to the order".
      if (!input.effectAt) return refuse(`--effect-at: say when effect was given (DSA ${view.kind === "dsa-info-order" ? "Art. 10(1)" : "Art. 9(1)"}: "specifying if and when effect was given to the order").`, "e.g. --effect-at 2026-11-20T14:05+01:00");
    }
    if (input.effectAt) {
      const now = this.work.clock.now();
      const receivedAt = view.receivedAt ?? view.openedAt;
      if (input.effectAt.getTime() > now.getTime()) return refuse("--effect-at is in the future.", "Give the time effect was given, with its offset.");
      if (input.effectAt.getTime() < receivedAt.getTime()) {
        return refuse(`--effect-at is before ${view.reference} was ${view.receivedAt ? "received" : "issued"} (${receivedAt.toISOString()}).`, "Effect is given after receipt.");
      }
    }
    if (input.host !== undefined && input.outcome !== "not-hosted-here") return refuse(`--host goes with the outcome not-hosted-here only.`);
    if (input.outcome === "not-hosted-here" && !input.host) return refuse("--host: say who hosts the material (their name, or their slug in the directory), so that the EOKM can send it there.");
    const statementFlags = input.ground !== undefined || input.groundText !== undefined || input.restriction !== undefined || input.automatedDetection !== undefined || input.automatedDecision !== undefined;
    if (!statementKind) {
      if (statementFlags) return refuse(`--ground, --ground-text, --restriction and --automated-* are the statement of reasons on a notice (DSA Art. 17); a ${kindLabel} does not take them.`);
      return ok({ ...(input.effectAt ? { effectAt: input.effectAt } : {}), ...(input.host ? { host: input.host } : {}) });
    }
    // DSA Art. 17(3)(d)/(e): a restriction rests on the law or on the terms and conditions, named and explained.
    if (input.ground !== undefined && input.ground !== "law" && input.ground !== "terms") return refuse(`--ground: law or terms for a notice (DSA Art. 17(3)(d)/(e)), not ${input.ground}.`);
    const restriction = input.restriction ?? RESTRICTION_OF[input.outcome];
    const restricts = restriction !== undefined && restriction !== "none";
    if (restricts && !input.ground) return refuse("--ground: say whether the content is illegal under the law (law) or incompatible with your terms and conditions (terms) (DSA Art. 17(3)(d)/(e)).", "e.g. --ground law --ground-text \"Art. 137d Sr: incitement to hatred\"");
    if (input.ground && !input.groundText) return refuse(`--ground-text: name the ${input.ground === "law" ? "legal" : "contractual"} ground relied on and why the content falls under it (DSA Art. 17(3)(${input.ground === "law" ? "d" : "e"})).`);
    if (!restricts && input.restriction === "none" && input.outcome !== "no-action" && input.outcome !== "cannot-comply") return refuse(`--restriction none does not go with "${input.outcome}".`);
    return ok({
      ...(input.effectAt ? { effectAt: input.effectAt } : {}), ...(restriction ? { restriction } : {}),
      ...(input.ground ? { ground: input.ground, groundText: input.groundText ?? "" } : {}),
      // DSA Art. 17(3)(c): "where applicable, information on the use made of automated means in taking the decision,
      // including information on whether the decision was taken in respect of content detected or identified using
      // automated means". Not said is recorded as not used.
      automatedDetection: input.automatedDetection ?? false, automatedDecision: input.automatedDecision ?? false,
    });
  }
}

/** The stated facts in one sentence, for the thread update the issuer reads. */
function describe(statement: Omit<DecisionInput, "outcome" | "reason">, timeZone: string): string {
  const parts: string[] = [];
  if (statement.effectAt) parts.push(`effect given ${formatLocal(statement.effectAt, timeZone)}`);
  if (statement.host) parts.push(`hosted by ${statement.host}`);
  if (statement.restriction && statement.restriction !== "none") parts.push(`restriction: ${statement.restriction}`);
  if (statement.ground === "law" || statement.ground === "terms") parts.push(`ground: ${statement.ground === "law" ? "illegal under the law" : "incompatible with the terms and conditions"} (${statement.groundText ?? ""})`);
  else if (statement.ground) parts.push(`not executed on the ground of ${statement.ground.replace(/-/g, " ")} (TCO Annex III)`);
  if (statement.automatedDetection !== undefined) parts.push(`detected by automated means: ${statement.automatedDetection ? "yes" : "no"}`);
  if (statement.automatedDecision !== undefined) parts.push(`decided by automated means: ${statement.automatedDecision ? "yes" : "no"}`);
  return parts.length > 0 ? `Statement: ${parts.join("; ")}` : "";
}
