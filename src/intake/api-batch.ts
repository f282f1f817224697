// The intake API's requests, answered a batch at a time (src/work/group-commit.ts): the tokens of the batch in one
// statement, each token's rate window counted once for all its requests (in a statement of its own, committed at
// once, so that on PostgreSQL the window's row is not held while the reports commit), then every admitted, valid
// report accepted in one transaction. A batch whose transaction fails for any other reason than a concurrent
// acceptance of the same report is taken apart: each report is then accepted alone, so that one report that cannot
// be stored never costs the others theirs.
import type { RecordKeys } from "../audit/keys.js";
import type { Clock } from "../core/clock.js";
import { countAttemptsInWindow } from "../limits/window.js";
import type { Store } from "../store/db.js";
import { acceptIntakeReportInStore, acceptIntakeReportsInStore, type AcceptedIntake, type AcceptIntakeInput, type AcceptIntakeSettings } from "./accept.js";
import { tokensFor } from "./tokens.js";
import type { FieldProblem, XarfParse } from "./xarf/v4.js";

/** One request as the API received it: the bearer token's text and the body's text. */
export interface ApiSubmission {
  tokenText: string;
  bodyText: string;
}

/** What the API answers one request. */
export type ApiAnswer =
  | { kind: "unauthorised" }
  | { kind: "limited"; retryAt: Date; now: Date }
  | { kind: "invalid"; problems: FieldProblem[] }
  | { kind: "accepted"; accepted: AcceptedIntake }
  | { kind: "failed"; error: unknown };

/** What answering a batch needs. */
export interface ApiBatchDeps {
  store: Pick<Store, "db" | "transaction">;
  clock: Clock;
  keys: RecordKeys;
  settings: AcceptIntakeSettings;
  /** Parses a body; only bodies of admitted requests with a live token are parsed. */
  parse(bodyText: string): XarfParse;
  /** Reports admitted per token per window. */
  rate: { window: number; perToken: number };
}

/** Answers a batch of requests, one answer per request in the same order. */
export async function answerApiSubmissions(deps: ApiBatchDeps, submissions: readonly ApiSubmission[]): Promise<ApiAnswer[]> {
  const now = deps.clock.now();
  const tokens = await tokensFor(deps.store.db, submissions.map((submission) => submission.tokenText));
  const answers: (ApiAnswer | undefined)[] = submissions.map((submission) => (tokens.has(submission.tokenText) ? undefined : { kind: "unauthorised" }));

  // Each token's window, counted once for all of its requests in the batch: the first ones are admitted.
  const byToken = new Map<string, number[]>();
  submissions.forEach((submission, index) => {
    const token = tokens.get(submission.tokenText);
    if (token) byToken.set(token.id, [...(byToken.get(token.id) ?? []), index]);
  });
  for (const [tokenId, indexes] of byToken) {
    const window = await countAttemptsInWindow(deps.store.db, `intake:token:${tokenId}`, now, deps.rate.window, deps.rate.perToken, indexes.length);
    const retryAt = new Date(window.windowStartAt.getTime() + deps.rate.window);
    for (const index of indexes.slice(window.admittedCount)) answers[index] = { kind: "limited", retryAt, now };
  }

  const toAccept: { index: number; input: AcceptIntakeInput }[] = [];
  submissions.forEach((submission, index) => {
    if (answers[index]) return;
    const token = tokens.get(submission.tokenText);
    if (!token) return;
    const parsed = deps.parse(submission.bodyText);
    if (!parsed.ok) answers[index] = { kind: "invalid", problems: parsed.problems };
    else toAccept.push({ index, input: { report: parsed.report, reportingOrganisationId: token.organisationId, receivedVia: `api:${token.id}` } });
  });
  if (toAccept.length > 0) {
    try {
      const accepted = await acceptIntakeReportsInStore(deps.store, deps.clock, deps.keys, toAccept.map((entry) => entry.input), deps.settings);
      toAccept.forEach((entry, position) => (answers[entry.index] = { kind: "accepted", accepted: accepted[position] as AcceptedIntake }));
    } catch (error) {
      if (toAccept.length === 1) {
        answers[(toAccept[0] as { index: number }).index] = { kind: "failed", error };
      } else {
        for (const entry of toAccept) {
          try {
            answers[entry.index] = { kind: "accepted", accepted: await acceptIntakeReportInStore(deps.store, deps.clock, deps.keys, entry.input, deps.settings) };
          } catch (alone) {
            answers[entry.index] = { kind: "failed", error: alone };
          }
        }
      }
    }
  }
  return answers.map((answer) => answer ?? { kind: "failed", error: new Error("a request of the batch was not answered") });
}
