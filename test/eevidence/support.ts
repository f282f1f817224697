// The authorities the e-Evidence tests need beside the demo directory: a Dutch court and prosecution service, and the
// German enforcing authority; Nimbus Mail, a provider established outside the Union; Chirp Social's designated
// establishment in Germany, Acme Hosting's in the Netherlands, Nimbus Mail's legal representative in Ireland.
import { importDirectory } from "../../src/directory/import.js";
import type { CaseHarness } from "../support/cases.js";
import { TEST_KEYS } from "../support/keys.js";

const AUTHORITIES = `
version: 1
organisations:
  - slug: nl-rechtbank
    name: Rechtbank Rotterdam
    kind: government
    country: NL
    designations: [eevidence-issuing-authority:NL, eevidence-judge:NL]
    languages: [nl, en]
    timeZone: Europe/Amsterdam
    workingHours: mon-fri 09:00-17:00
    contacts:
      - handle: ria.smit
        name: Ria Smit
        email: r.smit@rechtspraak.example
        roles: { investigations: primary }
        orgAdmin: true
        lastVerifiedAt: 2026-10-01
  - slug: nl-om
    name: Openbaar Ministerie Rotterdam
    kind: government
    country: NL
    designations: [eevidence-issuing-authority:NL, eevidence-prosecutor:NL]
    languages: [nl, en]
    timeZone: Europe/Amsterdam
    workingHours: mon-fri 09:00-17:00
    contacts:
      - handle: mark.dejong
        name: Mark de Jong
        email: m.dejong@om.example
        roles: { investigations: primary }
        orgAdmin: true
        lastVerifiedAt: 2026-10-01
  - slug: de-justiz
    name: Generalstaatsanwaltschaft Berlin
    kind: government
    country: DE
    designations: [eevidence-enforcing-authority:DE]
    languages: [de, en]
    timeZone: Europe/Berlin
    workingHours: mon-fri 08:00-16:00
    contacts:
      - handle: klaus.richter
        name: Klaus Richter
        email: k.richter@gsta.example
        roles: { investigations: primary }
        orgAdmin: true
        lastVerifiedAt: 2026-10-01
  - slug: nimbus-mail
    name: Nimbus Mail Inc.
    kind: platform
    country: US
    languages: [en]
    timeZone: Europe/Dublin
    workingHours: mon-fri 09:00-17:00
    contacts:
      - handle: sean.byrne
        name: Sean Byrne
        email: s.byrne@nimbus.example
        roles: { investigations: primary }
        orgAdmin: true
        lastVerifiedAt: 2026-10-01
`;

/** Imports the authorities (once per database) and records the providers' addressees (every test: reset empties them). */
export async function withAuthorities(h: CaseHarness): Promise<void> {
  if (!(await h.db.organisation.findFirst({ where: { slug: "de-justiz" } }))) {
    const imported = await importDirectory(h.db, h.clock, TEST_KEYS, AUTHORITIES, "yaml", { actor: "system", via: "test" });
    if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
  }
  await h.ok("demo.coordinator", '/eevidence addressee chirp-social --type establishment --member-state DE --languages de,en --name "Chirp Social GmbH, Berlin"');
  await h.ok("demo.coordinator", '/eevidence addressee acme-hosting --type establishment --member-state NL --languages nl,en --name "Acme Hosting B.V., Amsterdam"');
  await h.ok("demo.coordinator", '/eevidence addressee nimbus-mail --type legal-representative --member-state IE --languages en --name "Nimbus Mail Legal Representative Ltd, Dublin"');
}
