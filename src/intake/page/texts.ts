// The report page's words, in each language it is offered in. A language is chosen by ?lang=, then by the browser's
// Accept-Language, then English. Every text a visitor reads is here, so a new language is one more entry.

/** Languages the report page is offered in. */
export const PAGE_LANGUAGES = ["en", "nl", "de"] as const;

/** A language of the report page. */
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/** What a page is for: the kinds of content a referral unit or hotline takes reports of. */
export const PAGE_KINDS = ["terrorist-content", "csam"] as const;

/** A kind of report page. */
export type PageKind = (typeof PAGE_KINDS)[number];

/** Every text on the page, in one language. */
export interface PageTexts {
  languageName: string;
  title: Record<PageKind, string>;
  intro: Record<PageKind, string>;
  urlsLabel: string;
  urlsHelp: string;
  whatLabel: string;
  whatHelp: string;
  contactLegend: string;
  contactHelp: string;
  nameLabel: string;
  emailLabel: string;
  submit: string;
  privacy: string;
  problemsHeading: string;
  receiptTitle: string;
  receiptBody: (reference: string) => string;
  another: string;
  tooFast: string;
  expired: string;
  limited: (minutes: number) => string;
  unavailable: string;
  errors: {
    urlsMissing: string;
    urlsTooMany: (max: number) => string;
    urlInvalid: (line: number) => string;
    urlTooLong: (line: number, max: number) => string;
    whatTooLong: (max: number) => string;
    nameTooLong: (max: number) => string;
    emailInvalid: string;
    forbiddenCharacter: (field: string) => string;
  };
  languageNav: string;
}

const en: PageTexts = {
  languageName: "English",
  title: { "terrorist-content": "Report terrorist content", csam: "Report child sexual abuse material" },
  intro: {
    "terrorist-content": "Tell us where you saw content that incites, glorifies or instructs terrorist acts. Do not download or share it.",
    csam: "Tell us where you saw images or videos of child sexual abuse. Do not download, copy or share them: give only the web address.",
  },
  urlsLabel: "Web address(es)",
  urlsHelp: "One address per line, starting with https:// or http://.",
  whatLabel: "What did you see? (optional)",
  whatHelp: "A few words help us find it quickly.",
  contactLegend: "How can we reach you? (optional)",
  contactHelp: "Only the unit that handles your report sees this. Leave it empty to report anonymously.",
  nameLabel: "Name",
  emailLabel: "E-mail address",
  submit: "Send report",
  privacy: "This page loads nothing from other websites and sets no cookies.",
  problemsHeading: "Please correct the following:",
  receiptTitle: "Thank you: your report was received",
  receiptBody: (reference) => `Your reference is ${reference}. Keep it if you want to ask about your report.`,
  another: "Report another address",
  tooFast: "The form was sent too quickly. Please check it and send it again.",
  expired: "The form was open too long. Please check it and send it again.",
  limited: (minutes) => `Too many reports were sent from your connection. Please try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
  unavailable: "Your report could not be stored just now. Please try again later.",
  errors: {
    urlsMissing: "Give at least one web address.",
    urlsTooMany: (max) => `Give at most ${max} web addresses in one report.`,
    urlInvalid: (line) => `Line ${line} is not a web address starting with https:// or http://.`,
    urlTooLong: (line, max) => `The address on line ${line} is longer than ${max} characters.`,
    whatTooLong: (max) => `The description may be at most ${max} characters.`,
    nameTooLong: (max) => `The name may be at most ${max} characters.`,
    emailInvalid: "The e-mail address is not valid (for example: name@example.org).",
    forbiddenCharacter: (field) => `${field} contains an invisible or control character; please type it again.`,
  },
  languageNav: "Language",
};

const nl: PageTexts = {
  languageName: "Nederlands",
  title: { "terrorist-content": "Terroristische inhoud melden", csam: "Seksueel kindermisbruikmateriaal melden" },
  intro: {
    "terrorist-content": "Vertel ons waar u inhoud zag die aanzet tot, verheerlijkt of instructies geeft voor terroristische daden. Download of deel het niet.",
    csam: "Vertel ons waar u beelden of video's van seksueel kindermisbruik zag. Download, kopieer of deel ze niet: geef alleen het webadres.",
  },
  urlsLabel: "Webadres(sen)",
  urlsHelp: "Eén adres per regel, beginnend met https:// of http://.",
  whatLabel: "Wat zag u? (optioneel)",
  whatHelp: "Een paar woorden helpen ons het snel te vinden.",
  contactLegend: "Hoe kunnen we u bereiken? (optioneel)",
  contactHelp: "Alleen de eenheid die uw melding behandelt ziet dit. Laat het leeg om anoniem te melden.",
  nameLabel: "Naam",
  emailLabel: "E-mailadres",
  submit: "Melding versturen",
  privacy: "Deze pagina laadt niets van andere websites en plaatst geen cookies.",
  problemsHeading: "Verbeter het volgende:",
  receiptTitle: "Dank u: uw melding is ontvangen",
  receiptBody: (reference) => `Uw kenmerk is ${reference}. Bewaar het als u naar uw melding wilt vragen.`,
  another: "Nog een adres melden",
  tooFast: "Het formulier werd te snel verstuurd. Controleer het en verstuur het opnieuw.",
  expired: "Het formulier stond te lang open. Controleer het en verstuur het opnieuw.",
  limited: (minutes) => `Er zijn te veel meldingen vanaf uw verbinding verstuurd. Probeer het over ${minutes} minu${minutes === 1 ? "ut" : "ten"} opnieuw.`,
  unavailable: "Uw melding kon nu niet worden opgeslagen. Probeer het later opnieuw.",
  errors: {
    urlsMissing: "Geef ten minste één webadres.",
    urlsTooMany: (max) => `Geef ten hoogste ${max} webadressen in één melding.`,
    urlInvalid: (line) => `Regel ${line} is geen webadres dat begint met https:// of http://.`,
    urlTooLong: (line, max) => `Het adres op regel ${line} is langer dan ${max} tekens.`,
    whatTooLong: (max) => `De beschrijving mag ten hoogste ${max} tekens zijn.`,
    nameTooLong: (max) => `De naam mag ten hoogste ${max} tekens zijn.`,
    emailInvalid: "Het e-mailadres is niet geldig (bijvoorbeeld: naam@example.org).",
    forbiddenCharacter: (field) => `${field} bevat een onzichtbaar of stuurteken; typ het opnieuw.`,
  },
  languageNav: "Taal",
};

const de: PageTexts = {
  languageName: "Deutsch",
  title: { "terrorist-content": "Terroristische Inhalte melden", csam: "Darstellungen sexuellen Kindesmissbrauchs melden" },
  intro: {
    "terrorist-content": "Sagen Sie uns, wo Sie Inhalte gesehen haben, die zu terroristischen Taten aufrufen, sie verherrlichen oder dazu anleiten. Laden Sie sie nicht herunter und teilen Sie sie nicht.",
    csam: "Sagen Sie uns, wo Sie Bilder oder Videos sexuellen Kindesmissbrauchs gesehen haben. Laden Sie sie nicht herunter, kopieren oder teilen Sie sie nicht: Geben Sie nur die Webadresse an.",
  },
  urlsLabel: "Webadresse(n)",
  urlsHelp: "Eine Adresse pro Zeile, beginnend mit https:// oder http://.",
  whatLabel: "Was haben Sie gesehen? (freiwillig)",
  whatHelp: "Ein paar Worte helfen uns, es schnell zu finden.",
  contactLegend: "Wie können wir Sie erreichen? (freiwillig)",
  contactHelp: "Nur die Stelle, die Ihre Meldung bearbeitet, sieht dies. Lassen Sie es leer, um anonym zu melden.",
  nameLabel: "Name",
  emailLabel: "E-Mail-Adresse",
  submit: "Meldung senden",
  privacy: "Diese Seite lädt nichts von anderen Websites und setzt keine Cookies.",
  problemsHeading: "Bitte korrigieren Sie Folgendes:",
  receiptTitle: "Danke: Ihre Meldung ist eingegangen",
  receiptBody: (reference) => `Ihr Aktenzeichen ist ${reference}. Bewahren Sie es auf, wenn Sie nach Ihrer Meldung fragen möchten.`,
  another: "Eine weitere Adresse melden",
  tooFast: "Das Formular wurde zu schnell gesendet. Bitte prüfen Sie es und senden Sie es erneut.",
  expired: "Das Formular war zu lange geöffnet. Bitte prüfen Sie es und senden Sie es erneut.",
  limited: (minutes) => `Von Ihrer Verbindung wurden zu viele Meldungen gesendet. Bitte versuchen Sie es in ${minutes} Minute${minutes === 1 ? "" : "n"} erneut.`,
  unavailable: "Ihre Meldung konnte gerade nicht gespeichert werden. Bitte versuchen Sie es später erneut.",
  errors: {
    urlsMissing: "Geben Sie mindestens eine Webadresse an.",
    urlsTooMany: (max) => `Geben Sie höchstens ${max} Webadressen in einer Meldung an.`,
    urlInvalid: (line) => `Zeile ${line} ist keine Webadresse, die mit https:// oder http:// beginnt.`,
    urlTooLong: (line, max) => `Die Adresse in Zeile ${line} ist länger als ${max} Zeichen.`,
    whatTooLong: (max) => `Die Beschreibung darf höchstens ${max} Zeichen lang sein.`,
    nameTooLong: (max) => `Der Name darf höchstens ${max} Zeichen lang sein.`,
    emailInvalid: "Die E-Mail-Adresse ist ungültig (zum Beispiel: name@example.org).",
    forbiddenCharacter: (field) => `${field} enthält ein unsichtbares oder Steuerzeichen; bitte geben Sie es erneut ein.`,
  },
  languageNav: "Sprache",
};

/** The page's texts by language. */
export const PAGE_TEXTS: Record<PageLanguage, PageTexts> = { en, nl, de };

/** The language to show: ?lang= when it is offered, else the first offered one in Accept-Language, else English. */
export function chooseLanguage(query: unknown, acceptLanguage: string | undefined): PageLanguage {
  const asked = typeof query === "string" ? query.trim().toLowerCase().slice(0, 8) : "";
  if ((PAGE_LANGUAGES as readonly string[]).includes(asked)) return asked as PageLanguage;
  for (const part of (acceptLanguage ?? "").slice(0, 500).split(",")) {
    const tag = part.split(";")[0]?.trim().toLowerCase().slice(0, 2) ?? "";
    if ((PAGE_LANGUAGES as readonly string[]).includes(tag)) return tag as PageLanguage;
  }
  return "en";
}
