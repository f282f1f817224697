// The intake API: POST /intake/v1/reports with an X-ARF v4 (or v3) report as JSON and `Authorization: Bearer <token>`.
// A report is committed (stored, routed, grouped, recorded, its card in the outbox) before the answer 202 with its
// intake id; a resend of the same report (same report id, same sender) answers 200 with the first intake id. Bad input
// answers 400 with a problem document (RFC 9457) listing each field; nothing of it is stored. Each token has a rate
// limit, counted in the database (src/limits/window.ts) so that several processes count together. Requests that
// arrive while a commit runs are answered together by the next one (src/intake/api-batch.ts).
import type { FastifyInstance, FastifyReply } from "fastify";
import { answerApiSubmissions, type ApiAnswer, type ApiSubmission } from "../intake/api-batch.js";
import { acceptSettingsOf } from "../intake/store-sink.js";
import { parseXarfValue } from "../intake/xarf/parse.js";
import type { FieldProblem, XarfParse } from "../intake/xarf/v4.js";
import { GroupCommit } from "../work/group-commit.js";
import type { HttpServerDeps } from "./server.js";

/** The path reports are posted to. */
export const INTAKE_REPORTS_PATH = "/intake/v1/reports";

/** A problem document (RFC 9457, section 3): type, title, status, detail, and the fields at fault. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Extension member: each field at fault, as a JSON pointer into the request body, and what is wrong. */
  errors?: FieldProblem[];
}

function problem(reply: FastifyReply, document: ProblemDocument, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(document.status).headers(headers).type("application/problem+json").send(document);
}

/** Parses a body as X-ARF: v3 when it has "Version" and no "xarf_version", v4 otherwise. */
export function parseXarf(bodyText: string): XarfParse {
  let raw: unknown;
  try {
    raw = JSON.parse(bodyText);
  } catch (error) {
    return { ok: false, problems: [{ pointer: "", detail: `not JSON: ${error instanceof Error ? error.message.slice(0, 200) : "unreadable"}` }] };
  }
  return parseXarfValue(raw, "api", bodyText);
}

/** Registers the intake route on the server. */
export async function registerIntakeApi(server: FastifyInstance, deps: HttpServerDeps): Promise<void> {
  const settings = acceptSettingsOf(deps.intake);
  const rate = deps.intake.api.rate;
  const batches = new GroupCommit<ApiSubmission, ApiAnswer>((submissions) => answerApiSubmissions({ store: deps.store, clock: deps.clock, keys: deps.keys, settings, rate, parse: parseXarf }, submissions));
  const unauthorised = (reply: FastifyReply): FastifyReply =>
    problem(reply, { type: "urn:liaison:problem:unauthorised", title: "Unauthorized", status: 401, detail: "A valid intake token is needed: Authorization: Bearer <token>." }, { "WWW-Authenticate": 'Bearer realm="liaison-intake"' });
  // The body is read as text (JSON is parsed by the validator, which names what is wrong) within bodyLimit.
  server.addContentTypeParser(["application/json", "application/xarf+json"], { parseAs: "string" }, (_request, body, done) => done(null, body));
  server.setErrorHandler((error: { statusCode?: number; message?: string; code?: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return problem(reply, { type: "about:blank", title: "Content Too Large", status, detail: `A report may be at most ${deps.intake.api.maxBodyBytes} bytes.` });
    if (status === 415) return problem(reply, { type: "about:blank", title: "Unsupported Media Type", status, detail: "Post the report as application/json." });
    if (status >= 400 && status < 500) return problem(reply, { type: "about:blank", title: "Bad Request", status, detail: (error.message ?? "bad request").slice(0, 300) });
    deps.logger?.error({ err: error }, "intake API request failed");
    return problem(reply, { type: "about:blank", title: "Internal Server Error", status: 500, detail: "The report was not stored; send it again later." });
  });
  server.post(INTAKE_REPORTS_PATH, async (request, reply) => {
    const authorization = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S{1,200})$/i.exec(authorization);
    if (!match?.[1]) return unauthorised(reply);
    const bodyText = typeof request.body === "string" ? request.body : "";
    const answer: ApiAnswer = await batches.submit({ tokenText: match[1], bodyText });
    if (answer.kind === "unauthorised") return unauthorised(reply);
    if (answer.kind === "failed") throw answer.error;
    if (answer.kind === "limited") {
      const seconds = Math.max(1, Math.ceil((answer.retryAt.getTime() - answer.now.getTime()) / 1000));
      return problem(reply, { type: "urn:liaison:problem:rate-limited", title: "Too Many Requests", status: 429, detail: `This token may post ${rate.perToken} reports per ${rate.window / 1000} s; try again in ${seconds} s.` }, { "Retry-After": String(seconds) });
    }
    if (answer.kind === "invalid") {
      const problems = answer.problems.slice(0, 100);
      return problem(reply, {
        type: "urn:liaison:problem:invalid-report", title: "Invalid X-ARF report", status: 400,
        detail: `The report was not stored: ${problems.length} field${problems.length === 1 ? " is" : "s are"} wrong (${problems.map((item) => item.pointer || "/").slice(0, 10).join(", ")}).`,
        errors: problems,
      });
    }
    const { accepted } = answer;
    return reply.code(accepted.duplicate ? 200 : 202).send({
      intakeId: accepted.intakeId, item: accepted.reference, duplicate: accepted.duplicate, grouped: accepted.grouped,
      routed: accepted.routedToId !== null, reason: accepted.routeReason, reports: accepted.reportCount,
    });
  });
}
