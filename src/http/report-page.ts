// The public report page: GET /report/<path> shows the form in the visitor's language, POST /report/<path> takes the
// report. A report is committed (one intake item per address, in the publishing unit's intake channel, TLP:AMBER)
// before the visitor sees the receipt, which gives a reference and nothing else. Floods: a signed form token with a
// minimum fill time and a maximum age, a field only robots fill in, and a count per connection in the database.
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { acceptIntakeReport, type AcceptIntakeSettings } from "../intake/accept.js";
import { PAGE_HEADERS, renderForm, renderReceipt, renderRefusal } from "../intake/page/render.js";
import { checkSubmission, formToken, readFields, reportsOf, tokenProblem, type FieldError } from "../intake/page/submission.js";
import { chooseLanguage, PAGE_TEXTS, type PageKind, type PageLanguage } from "../intake/page/texts.js";
import { countInWindow } from "../limits/window.js";
import { inUnitOfWork } from "../work/unit-of-work.js";
import type { HttpServerDeps } from "./server.js";

/** Where report pages are served. */
export const REPORT_PAGE_PREFIX = "/report/";

/** Largest form body read, in bytes. */
const FORM_BODY_MAX_BYTES = 256 * 1024;

/** The label under which the page's form tokens are signed (a key derived from the record key). */
const FORM_KEY_LABEL = "liaison/intake/report-page/form-token/v1";

interface ConfiguredPage {
  path: string;
  organisationId: string;
  organisationSlug: string;
  kind: PageKind;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(html);
}

/** Registers the report pages that are configured, in a scope of their own (HTML answers, form bodies). */
export async function registerReportPages(server: FastifyInstance, deps: HttpServerDeps): Promise<void> {
  if (deps.intake.pages.length === 0) return;
  const pages = new Map<string, ConfiguredPage>();
  for (const page of deps.intake.pages) {
    const organisation = await deps.store.db.organisation.findFirst({ where: { slug: page.organisation, removedAt: null }, select: { id: true } });
    if (!organisation) throw new Error(`intake.pages: the report page "${page.path}" names organisation "${page.organisation}", which is not in the directory`);
    pages.set(page.path, { path: page.path, organisationId: organisation.id, organisationSlug: page.organisation, kind: page.kind });
  }
  const secret = deps.keys.deriveKey(FORM_KEY_LABEL);
  const settings: AcceptIntakeSettings = { repeatWindowMs: deps.intake.repeatOffenders.window, repeatThreshold: deps.intake.repeatOffenders.threshold };
  const rate = deps.intake.pageRate;
  await server.register(async (scope) => {
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: FORM_BODY_MAX_BYTES }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(typeof body === "string" ? body : "")));
    });
    scope.setErrorHandler((error: { statusCode?: number }, request, reply) => {
      const language = chooseLanguage((request.query as { lang?: unknown } | undefined)?.lang, request.headers["accept-language"]);
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) deps.logger?.error({ err: error }, "report page request failed");
      return send(reply, status, renderRefusal("terrorist-content", language, request.url.split("?")[0] ?? "/", PAGE_TEXTS[language].unavailable));
    });
    const pageOf = (params: unknown) => pages.get(String((params as { page?: unknown }).page ?? ""));
    const languageOf = (query: unknown, accept: string | undefined): PageLanguage => chooseLanguage((query as { lang?: unknown } | undefined)?.lang, accept);

    scope.get(`${REPORT_PAGE_PREFIX}:page`, async (request, reply) => {
      const page = pageOf(request.params);
      if (!page) return reply.callNotFound();
      const language = languageOf(request.query, request.headers["accept-language"]);
      const path = `${REPORT_PAGE_PREFIX}${page.path}`;
      return send(reply, 200, renderForm({ kind: page.kind, language, path, token: formToken(secret, page.path, deps.clock.now().getTime()) }));
    });

    scope.post(`${REPORT_PAGE_PREFIX}:page`, async (request, reply) => {
      const page = pageOf(request.params);
      if (!page) return reply.callNotFound();
      const language = languageOf(request.query, request.headers["accept-language"]);
      const texts = PAGE_TEXTS[language];
      const path = `${REPORT_PAGE_PREFIX}${page.path}`;
      const nowMs = deps.clock.now().getTime();
      const fields = readFields(request.body);
      const freshForm = (status: number, extra: { notice?: string; errors?: FieldError[] }) =>
        send(reply, status, renderForm({ kind: page.kind, language, path, token: formToken(secret, page.path, nowMs), values: fields, ...extra }));
      // A filled-in hidden field: a robot. It is told no more than that the report was not stored.
      if (fields.honeypot !== "") return send(reply, 400, renderRefusal(page.kind, language, path, texts.unavailable));
      const tokenFault = tokenProblem(secret, page.path, fields.token, nowMs);
      if (tokenFault) return freshForm(400, { notice: tokenFault === "too-fast" ? texts.tooFast : texts.expired });
      const checked = checkSubmission(fields, texts);
      if (!checked.ok) return freshForm(400, { errors: checked.errors });
      // The connection is counted under a keyed hash of its address: the address itself is not stored.
      const connection = createHash("sha256").update(secret).update(request.ip).digest("hex").slice(0, 32);
      const answer = await inUnitOfWork(deps.store, deps.clock, deps.keys, async (work) => {
        const now = work.clock.now();
        const window = await countInWindow(work.tx, `page:${page.path}:${connection}`, now, rate.window, rate.perConnection);
        if (!window.admitted) return { kind: "limited" as const, minutes: Math.max(1, Math.ceil((window.windowStartAt.getTime() + rate.window - now.getTime()) / 60_000)) };
        const references: string[] = [];
        for (const report of reportsOf(checked, page.kind, language, now)) {
          const accepted = await acceptIntakeReport(work, { report, receivedVia: `page:${page.path}`, recipient: { organisationId: page.organisationId, reason: `report page /report/${page.path} of ${page.organisationSlug}` } }, settings);
          references.push(accepted.intakeId);
        }
        return { kind: "accepted" as const, reference: references[0] ?? "" };
      });
      if (answer.kind === "limited") return send(reply.header("retry-after", String(answer.minutes * 60)), 429, renderRefusal(page.kind, language, path, texts.limited(answer.minutes)));
      return send(reply, 200, renderReceipt(page.kind, language, path, answer.reference));
    });
  });
}
