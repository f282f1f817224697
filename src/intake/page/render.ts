// The report page's HTML, rendered on the server: one form, plain and accessible (labels tied to fields, errors listed
// at the top and tied to their fields, focus on the error list, keyboard only, high contrast, works without
// JavaScript), nothing loaded from elsewhere (it works air-gapped), and every text escaped.
import { inertText } from "../../core/text.js";
import { HONEYPOT_FIELD, type FieldError, type PageFields } from "./submission.js";
import { PAGE_LANGUAGES, PAGE_TEXTS, type PageKind, type PageLanguage } from "./texts.js";

/** HTML-escapes a text (and makes control and reordering characters visible first). */
export function escapeHtml(text: string): string {
  return inertText(text).replace(/[&<>"']/g, (character) => `&#${character.codePointAt(0)};`);
}

/** The page's one style sheet, inline: system fonts, contrast above WCAG AA, a visible focus ring. */
const STYLE = `
body{font:1.05rem/1.5 system-ui,sans-serif;color:#111;background:#fff;margin:0 auto;max-width:42rem;padding:1rem}
h1{font-size:1.6rem}label,legend{font-weight:600;display:block;margin-top:1rem}
.help{color:#333;margin:.2rem 0}textarea,input[type=text],input[type=email]{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:2px solid #333;border-radius:4px}
fieldset{border:2px solid #555;border-radius:4px;margin-top:1.5rem}button{margin-top:1.5rem;font:inherit;font-weight:600;padding:.6rem 1.2rem;background:#003d99;color:#fff;border:0;border-radius:4px}
:focus{outline:3px solid #b35900;outline-offset:2px}.errors{border:3px solid #b00020;padding:.5rem 1rem;margin:1rem 0}.errors h2{font-size:1.1rem;color:#b00020;margin:.2rem 0}
.field-error{color:#b00020;font-weight:600}.hidden{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}nav a{margin-right:1rem;color:#003d99}`;

/** Security and privacy headers of every page answer: nothing from elsewhere, no framing, no referrer, no caching. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
};

function shell(language: PageLanguage, title: string, body: string, path: string): string {
  const texts = PAGE_TEXTS[language];
  const links = PAGE_LANGUAGES.map((other) =>
    other === language ? `<strong lang="${other}">${escapeHtml(PAGE_TEXTS[other].languageName)}</strong>` : `<a href="${escapeHtml(path)}?lang=${other}" lang="${other}" hreflang="${other}">${escapeHtml(PAGE_TEXTS[other].languageName)}</a>`,
  ).join(" ");
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><nav aria-label="${escapeHtml(texts.languageNav)}">${links}</nav><main>${body}</main></body></html>`;
}

/** What the form shows: the page, the language, a fresh token, and (after a refused send) the problems and the values. */
export interface FormView {
  kind: PageKind;
  language: PageLanguage;
  path: string;
  token: string;
  errors?: readonly FieldError[];
  /** A problem with the whole send (too fast, expired, limited), shown above the form. */
  notice?: string;
  values?: Partial<PageFields>;
}

/** The report form. */
export function renderForm(view: FormView): string {
  const texts = PAGE_TEXTS[view.language];
  const values = view.values ?? {};
  const errors = view.errors ?? [];
  const errorsOf = (field: keyof PageFields) => errors.filter((error) => error.field === field);
  const described = (field: keyof PageFields, help?: string) => {
    const ids = [...(help ? [`${field}-help`] : []), ...(errorsOf(field).length > 0 ? [`${field}-error`] : [])];
    return ids.length > 0 ? ` aria-describedby="${ids.join(" ")}"` : "";
  };
  const invalid = (field: keyof PageFields) => (errorsOf(field).length > 0 ? ' aria-invalid="true"' : "");
  const fieldErrors = (field: keyof PageFields) =>
    errorsOf(field).length > 0 ? `<p class="field-error" id="${field}-error">${errorsOf(field).map((error) => escapeHtml(error.message)).join("<br>")}</p>` : "";
  const problems =
    errors.length > 0 || view.notice
      ? `<div class="errors" role="alert" tabindex="-1" id="problems"><h2>${escapeHtml(view.notice ?? texts.problemsHeading)}</h2>${
          errors.length > 0 ? `<ul>${errors.map((error) => `<li><a href="#${error.field}">${escapeHtml(error.message)}</a></li>`).join("")}</ul>` : ""
        }</div>`
      : "";
  const body = `<h1>${escapeHtml(texts.title[view.kind])}</h1>
<p>${escapeHtml(texts.intro[view.kind])}</p>${problems}
<form method="post" action="${escapeHtml(view.path)}?lang=${view.language}" novalidate>
<input type="hidden" name="token" value="${escapeHtml(view.token)}">
<label for="urls">${escapeHtml(texts.urlsLabel)}</label><p class="help" id="urls-help">${escapeHtml(texts.urlsHelp)}</p>${fieldErrors("urls")}
<textarea id="urls" name="urls" rows="4" required autocomplete="off" spellcheck="false"${described("urls", texts.urlsHelp)}${invalid("urls")}>${escapeHtml(values.urls ?? "")}</textarea>
<label for="what">${escapeHtml(texts.whatLabel)}</label><p class="help" id="what-help">${escapeHtml(texts.whatHelp)}</p>${fieldErrors("what")}
<textarea id="what" name="what" rows="3"${described("what", texts.whatHelp)}${invalid("what")}>${escapeHtml(values.what ?? "")}</textarea>
<fieldset><legend>${escapeHtml(texts.contactLegend)}</legend><p class="help" id="contact-help">${escapeHtml(texts.contactHelp)}</p>
<label for="name">${escapeHtml(texts.nameLabel)}</label>${fieldErrors("name")}<input type="text" id="name" name="name" autocomplete="name" value="${escapeHtml(values.name ?? "")}"${described("name")}${invalid("name")}>
<label for="email">${escapeHtml(texts.emailLabel)}</label>${fieldErrors("email")}<input type="email" id="email" name="email" autocomplete="email" value="${escapeHtml(values.email ?? "")}"${described("email")}${invalid("email")}>
</fieldset>
<div class="hidden" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Website</label><input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<button type="submit">${escapeHtml(texts.submit)}</button>
</form><p class="help">${escapeHtml(texts.privacy)}</p>`;
  return shell(view.language, texts.title[view.kind], body, view.path);
}

/** The receipt: the reference and nothing else about the report or its handling. */
export function renderReceipt(kind: PageKind, language: PageLanguage, path: string, reference: string): string {
  const texts = PAGE_TEXTS[language];
  const body = `<h1 tabindex="-1" id="receipt">${escapeHtml(texts.receiptTitle)}</h1><p>${escapeHtml(texts.receiptBody(reference))}</p>
<p><a href="${escapeHtml(path)}?lang=${language}">${escapeHtml(texts.another)}</a></p>`;
  return shell(language, `${texts.receiptTitle} — ${texts.title[kind]}`, body, path);
}

/** A page saying the report could not be taken (limited, unavailable), with the way back to the form. */
export function renderRefusal(kind: PageKind, language: PageLanguage, path: string, message: string): string {
  const texts = PAGE_TEXTS[language];
  const body = `<h1>${escapeHtml(texts.title[kind])}</h1><div class="errors" role="alert"><h2>${escapeHtml(message)}</h2></div>
<p><a href="${escapeHtml(path)}?lang=${language}">${escapeHtml(texts.another)}</a></p>`;
  return shell(language, texts.title[kind], body, path);
}
