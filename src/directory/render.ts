import type { MessageSection, OutboundMessage } from "../core/message.js";
import type { Topic } from "./model.js";
import type { FindResult, FoundContact, FoundOrganisation } from "./queries.js";
import type { ContactView, OrganisationView } from "./views.js";

const VERIFICATION_MARK: Record<string, string> = { verified: "✓ verified", pending: "… not yet confirmed", unverified: "⚠ unverified" };

/** "✓ verified 2026-03-01", "⚠ unverified", ... */
export function verificationLabel(contact: Pick<ContactView, "verification" | "lastVerifiedAt">): string {
  const mark = VERIFICATION_MARK[contact.verification] ?? contact.verification;
  return contact.lastVerifiedAt ? `${mark} ${contact.lastVerifiedAt.toISOString().slice(0, 10)}` : mark;
}

/** One line about a contact: name, handle, roles, languages, verification. */
export function contactLine(contact: FoundContact, topic?: Topic): string {
  const roles = topic
    ? contact.roles[topic] ?? ""
    : Object.entries(contact.roles).map(([name, role]) => `${name}: ${role}`).join(", ");
  const parts = [`${contact.name} (${contact.handle})`];
  if (roles) parts.push(roles);
  if (contact.languages.length > 0) parts.push(contact.languages.join("/"));
  if (contact.phone) parts.push(`☎ ${contact.phone}`);
  if (contact.email) parts.push(contact.email);
  parts.push(verificationLabel(contact));
  return parts.join(" · ");
}

function organisationHeadline(organisation: Pick<FoundOrganisation, "name" | "slug" | "kind" | "country">): string {
  return `${organisation.name} [${organisation.slug}] · ${organisation.kind} · ${organisation.country}`;
}

function availability(organisation: Pick<FoundOrganisation, "workingHours" | "timeZone" | "emergency24x7">): string {
  return `${organisation.workingHours} ${organisation.timeZone}${organisation.emergency24x7 ? " · 24/7 emergencies" : ""}`;
}

/** The answer to /contacts find. */
export function renderFindResult(result: FindResult, topic: Topic | undefined): OutboundMessage {
  if (result.organisations.length === 0) {
    return { text: "No organisation matches. Try fewer filters, or part of a name: /contacts find hosting", tone: "info" };
  }
  const sections: MessageSection[] = result.organisations.map((organisation) => ({
    heading: organisationHeadline(organisation),
    text: [
      availability(organisation),
      ...(organisation.contacts.length === 0
        ? [topic ? `no contact for ${topic}` : "no contacts"]
        : organisation.contacts.slice(0, 5).map((contact) => `• ${contactLine(contact, topic)}`)),
      ...(organisation.contacts.length > 5 ? [`• … ${organisation.contacts.length - 5} more: /contacts show ${organisation.slug}`] : []),
    ].join("\n"),
  }));
  const count = `${result.organisations.length}${result.more ? "+" : ""} organisation${result.organisations.length === 1 && !result.more ? "" : "s"}`;
  const title = `${count} found${result.matchedBy === "domain" || result.matchedBy === "ip" || result.matchedBy === "asn" ? ` (responsible for that ${result.matchedBy})` : ""}`;
  const more = result.more ? ["More match: narrow with --country, --kind, --topic or --language."] : [];
  return {
    title,
    sections,
    text: [title, ...sections.map((section) => `\n${section.heading}\n${section.text}`), ...more].join("\n"),
  };
}

/** The answer to /contacts show <organisation>. */
export function renderOrganisation(organisation: OrganisationView): OutboundMessage {
  const fields = [
    { label: "Kind", value: organisation.kind },
    { label: "Country", value: organisation.country },
    { label: "Hours", value: availability(organisation) },
    { label: "Languages", value: organisation.languages.join(", ") || "—" },
  ];
  if (organisation.jurisdictions.length > 0) fields.push({ label: "Jurisdictions", value: organisation.jurisdictions.join(", ") });
  const closed = [organisation.publicHolidays ? `${organisation.country} public holidays` : "", ...organisation.holidays].filter(Boolean);
  fields.push({ label: "Closed on", value: closed.join(", ") || "no holidays" });
  if (organisation.designations.length > 0) fields.push({ label: "Designations", value: organisation.designations.join(", ") });
  if (organisation.abuseContact) fields.push({ label: "Abuse contact", value: organisation.abuseContact });
  if (organisation.legalPointOfContact) fields.push({ label: "Legal point of contact", value: organisation.legalPointOfContact });
  const responsible = [
    ...organisation.responsibilities.domains,
    ...organisation.responsibilities.ipRanges,
    ...organisation.responsibilities.asns,
  ];
  if (responsible.length > 0) fields.push({ label: "Responsible for", value: responsible.join(", ") });
  if (organisation.channels.length > 0) {
    fields.push({
      label: "Receives cases",
      value: organisation.channels.map((channel) => `${channel.topic === "*" ? "all topics" : channel.topic}: ${channel.platform} ${channel.channel}`).join("; "),
    });
  }
  const byTopic = new Map<string, string[]>();
  for (const contact of organisation.contacts) {
    const topics = Object.keys(contact.roles);
    for (const topic of topics.length > 0 ? topics : ["(no topic)"]) {
      const role = contact.roles[topic as Topic];
      const list = byTopic.get(topic) ?? [];
      list.push(`• ${role ? `${role}: ` : ""}${contactLine({ ...contact, roles: {} })}`);
      byTopic.set(topic, list);
    }
  }
  const contactsText = byTopic.size === 0 ? "No contacts yet." : [...byTopic].map(([topic, lines]) => `${topic}\n${lines.join("\n")}`).join("\n");
  const title = organisationHeadline(organisation);
  return {
    title,
    sections: [{ fields }, { heading: "Points of contact", text: contactsText }],
    text: [title, ...fields.map((field) => `${field.label}: ${field.value}`), "Points of contact:", contactsText].join("\n"),
  };
}

/** The answer to /contacts show <handle>. */
export function renderContact(contact: ContactView): OutboundMessage {
  const fields = [
    { label: "Organisation", value: `${contact.organisationName} [${contact.organisationSlug}]` },
    { label: "Roles", value: Object.entries(contact.roles).map(([topic, role]) => `${topic}: ${role}`).join(", ") || "—" },
    { label: "Languages", value: contact.languages.join(", ") || "—" },
    { label: "Verification", value: verificationLabel(contact) },
  ];
  if (contact.email) fields.push({ label: "Email", value: contact.email });
  if (contact.phone) fields.push({ label: "Emergency phone", value: contact.phone });
  if (contact.timeZone) fields.push({ label: "Time zone", value: contact.timeZone });
  const grants = [contact.coordinator ? "coordinator" : "", contact.orgAdmin ? "organisation admin" : ""].filter(Boolean);
  if (grants.length > 0) fields.push({ label: "Installation roles", value: grants.join(", ") });
  fields.push({
    label: "Chat identities",
    value: contact.identities.map((identity) => `${identity.platform}${identity.workspace ? ` ${identity.workspace}` : ""} ${identity.user}`).join("; ") || "none linked",
  });
  const title = `${contact.name} (${contact.handle})`;
  return { title, sections: [{ fields }], text: [title, ...fields.map((field) => `${field.label}: ${field.value}`)].join("\n") };
}
