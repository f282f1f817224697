import { newId } from "../src/core/ids.js";
import { parseCidr } from "../src/directory/model.js";
import { searchTokens } from "../src/directory/store.js";
import type { Db } from "../src/store/db.js";

const KINDS = ["government", "lea", "referral-unit", "hosting", "platform", "registrar", "access-provider", "ngo", "cert", "other"];
const COUNTRIES = ["NL", "DE", "BE", "FR", "IE", "AT", "PL", "ES", "IT", "SE"];
const LANGUAGES = ["nl", "de", "fr", "en", "pl", "es", "it", "sv"];
const TOPICS = ["notices", "removal-orders", "investigations", "data-sharing", "general"];
const ROLES = ["primary", "backup", "escalation"];
const FIRST_NAMES = ["anna", "jan", "eva", "tom", "lena", "felix", "sofie", "noor", "jonas", "sanne", "pieter", "ahmed", "lotte", "marie", "lucas", "emma", "noah", "julia", "max", "sara", "david", "laura", "paul", "nina", "ali", "fatima", "oliver", "mila", "liam", "zoe", "finn", "ines", "hugo", "lea", "milan", "yara", "bram", "isa", "daan", "fleur"];
const LAST_NAMES = ["jansen", "devries", "bakker", "visser", "smit", "meijer", "mulder", "deboer", "bos", "vos", "peters", "hendriks", "dekker", "brouwer", "dijkstra", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker", "schulz", "hoffmann", "koch", "richter", "klein", "wolf", "peeters", "janssens", "maes", "jacobs", "mertens", "willems", "claes", "goossens", "wouters", "dubois", "lambert", "martin", "bernard", "moreau", "laurent", "simon", "michel", "garcia", "rossi", "nowak", "kowalski", "andersson", "nilsson", "murphy", "kelly", "byrne", "ryan", "walsh", "oconnor", "gruber", "huber", "bauer"];
const WORDS = ["acme", "north", "blue", "delta", "civic", "harbor", "summit", "vector", "atlas", "orbit", "pixel", "cedar", "granite", "lumen", "nova"];

/** Fills a migrated database with `organisations` organisations of `contactsPerOrganisation` contacts each, as import would. */
export async function seedLargeDirectory(db: Db, organisations: number, contactsPerOrganisation: number, at: Date): Promise<void> {
  const batch = 250;
  for (let start = 0; start < organisations; start += batch) {
    const orgRows = [];
    const responsibilityRows = [];
    const contactRows = [];
    const roleRows = [];
    const tokenRows: { token: string; organisationId: string; contactId: string }[] = [];
    for (let index = start; index < Math.min(organisations, start + batch); index += 1) {
      const id = newId();
      const word = WORDS[index % WORDS.length] ?? "org";
      const kind = KINDS[index % KINDS.length] ?? "other";
      const slug = `${word}-${kind}-${index}`;
      const name = `${word[0]?.toUpperCase()}${word.slice(1)} ${kind} ${index}`;
      orgRows.push({
        id, slug, name, kind, country: COUNTRIES[index % COUNTRIES.length] ?? "NL", jurisdictions: "", timeZone: "Europe/Amsterdam",
        languages: `${LANGUAGES[index % LANGUAGES.length]},en`, workingHours: "mon-fri 09:00-17:00", emergency24x7: index % 3 === 0,
        createdAt: at, updatedAt: at,
      });
      for (const token of searchTokens(name, slug)) tokenRows.push({ token, organisationId: id, contactId: "" });
      const domain = `${slug}.example`;
      responsibilityRows.push({ id: newId(), organisationId: id, type: "domain", value: domain, rangeStart: domain, rangeEnd: domain });
      const cidr = `10.${Math.floor(index / 256) % 256}.${index % 256}.0/24`;
      const range = parseCidr(cidr);
      if (range) responsibilityRows.push({ id: newId(), organisationId: id, type: "ip", value: cidr, rangeStart: range.start, rangeEnd: range.end });
      responsibilityRows.push({ id: newId(), organisationId: id, type: "asn", value: `AS${65000 + index}`, rangeStart: `AS${65000 + index}`, rangeEnd: `AS${65000 + index}` });
      for (let person = 0; person < contactsPerOrganisation; person += 1) {
        const contactId = newId();
        const serial = index * contactsPerOrganisation + person;
        const first = FIRST_NAMES[serial % FIRST_NAMES.length] ?? "anna";
        const last = LAST_NAMES[Math.floor(serial / FIRST_NAMES.length) % LAST_NAMES.length] ?? "jansen";
        const handle = `${first}.${last}.${serial}`;
        const contactName = `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`;
        const verified = (index + person) % 4 !== 0;
        contactRows.push({
          id: contactId, handle, organisationId: id, name: contactName, languages: "en",
          verification: verified ? "verified" : "pending", lastVerifiedAt: verified ? at : null, createdAt: at, updatedAt: at,
        });
        for (const token of searchTokens(contactName, handle)) tokenRows.push({ token, organisationId: id, contactId });
        roleRows.push({ id: newId(), contactId, topic: TOPICS[person % TOPICS.length] ?? "general", role: ROLES[person % ROLES.length] ?? "primary" });
      }
    }
    await db.organisation.createMany({ data: orgRows });
    await db.responsibility.createMany({ data: responsibilityRows });
    await db.contact.createMany({ data: contactRows });
    await db.contactRole.createMany({ data: roleRows });
    await db.searchToken.createMany({ data: tokenRows });
  }
}
