import { z } from "zod";
import { canonicalIdentity, identityKey, type PlatformIdentity } from "../core/adapter.js";
import type { Clock } from "../core/clock.js";
import { fail, ok, type Outcome } from "../core/result.js";
import type { Tx } from "../store/types.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import { auditActor, mayAdminister, type Actor } from "../core/actor.js";
import { closest } from "../core/suggest.js";
import { describeIssues } from "../core/issues.js";
import { inertLine } from "../core/text.js";
import { toCoordinators } from "./notify.js";
import { checkCoordinatorProtected, checkLinkIdentity, checkNotLastCoordinator } from "./accounts.js";
import { contactInputSchema, organisationInputSchema, type OrganisationInput } from "./model.js";
import { changedDesignations, checkDesignations, DEFAULT_APPROVAL_FLOORS, type ApprovalFloors, type PendingItem } from "./designations.js";
import { AccountLinks, DEFAULT_LINK_SETTINGS, type LinkConfirmed, type LinkRequested, type LinkSettings } from "./links.js";
import { PendingApprovals, type ApprovalDecision } from "./approvals.js";
import { DirectoryQueries } from "./queries.js";
import { writeContact, writeOrganisation } from "./store.js";
import { restoreContact, restoreOrganisation, type RestoredContact, type RestoredOrganisation } from "./restore.js";
import type { ContactView, OrganisationView } from "./views.js";

/** An organisation view turned back into import form (what export writes and edits start from). */
export function organisationToInput(view: OrganisationView): z.input<typeof organisationInputSchema> {
  return {
    slug: view.slug,
    name: view.name,
    kind: view.kind as OrganisationInput["kind"],
    country: view.country,
    jurisdictions: view.jurisdictions,
    designations: view.designations,
    languages: view.languages,
    timeZone: view.timeZone,
    workingHours: view.workingHours,
    emergency24x7: view.emergency24x7,
    holidays: view.holidays,
    publicHolidays: view.publicHolidays,
    ...(view.abuseContact ? { abuseContact: view.abuseContact } : {}),
    ...(view.legalPointOfContact ? { legalPointOfContact: view.legalPointOfContact } : {}),
    responsibilities: view.responsibilities,
    channels: view.channels.map((channel) => ({ ...channel, topic: channel.topic as "*" })),
    contacts: view.contacts.map(contactToInput),
  };
}

/** A contact view turned back into import form. */
export function contactToInput(view: ContactView): z.input<typeof contactInputSchema> {
  return {
    handle: view.handle,
    name: view.name,
    ...(view.email ? { email: view.email } : {}),
    ...(view.phone ? { phone: view.phone } : {}),
    languages: view.languages,
    ...(view.timeZone ? { timeZone: view.timeZone } : {}),
    roles: view.roles,
    coordinator: view.coordinator,
    orgAdmin: view.orgAdmin,
    identities: view.identities,
    ...(view.lastVerifiedAt ? { lastVerifiedAt: view.lastVerifiedAt } : {}),
  };
}

/** The options of /contacts add, edit, add-org and edit-org, by the field of the directory's input they set. */
const FIELD_OPTIONS: Readonly<Record<string, string>> = {
  handle: "<handle>",
  slug: "<slug>",
  name: "--name",
  email: "--email",
  phone: "--phone",
  languages: "--languages",
  timeZone: "--time-zone",
  roles: "--roles",
  coordinator: "--coordinator",
  orgAdmin: "--admin",
  kind: "--kind",
  country: "--country",
  jurisdictions: "--jurisdictions",
  designations: "--designate",
  workingHours: "--hours",
  emergency24x7: "--emergency",
  holidays: "--add-holiday",
  publicHolidays: "--public-holidays",
  abuseContact: "--abuse-contact",
  legalPointOfContact: "--legal-contact",
  "responsibilities.domains": "--add-domain",
  "responsibilities.ipRanges": "--add-ip",
  "responsibilities.asns": "--add-asn",
  channels: "--channel",
};

/** A directory change's validation problems, each naming the option as the person typed it. */
export function describeZodError(error: z.ZodError, input?: unknown): string {
  return describeIssues(error, input, FIELD_OPTIONS);
}


/** What the directory service reads from the configuration (directory.approvals, directory.links). */
export interface DirectorySettings {
  approvals: ApprovalFloors;
  links: LinkSettings;
}

/** The settings config/default.yaml ships with. */
export const DEFAULT_DIRECTORY_SETTINGS: DirectorySettings = { approvals: DEFAULT_APPROVAL_FLOORS, links: DEFAULT_LINK_SETTINGS };

const NOT_ADMIN_HINT = "Coordinators maintain every entry; an organisation admin maintains their own organisation.";

/** Maintains the directory: every change is checked against the actor's rights and recorded with before and after. */
export class DirectoryService {
  /** Read access. */
  readonly read: DirectoryQueries;
  /** Pending links of chat accounts (proven from the account). */
  readonly links: AccountLinks;
  /** Changes waiting for a coordinator. */
  readonly approvals: PendingApprovals;

  private readonly db: Tx;
  private readonly clock: Clock;

  /** Works inside `work`: every change and its record entry commit together. */
  constructor(
    private readonly work: UnitOfWork,
    private readonly settings: DirectorySettings = DEFAULT_DIRECTORY_SETTINGS,
  ) {
    this.db = work.tx;
    this.clock = work.clock;
    this.read = new DirectoryQueries(work.tx);
    this.links = new AccountLinks(work, settings.links);
    this.approvals = new PendingApprovals(work);
  }

  /** Adds an organisation (coordinators only). */
  async addOrganisation(actor: Actor, raw: z.input<typeof organisationInputSchema>): Promise<Outcome<OrganisationView>> {
    if (!actor.contact?.coordinator) return fail("not-allowed", "Only a coordinator can add organisations.", NOT_ADMIN_HINT);
    const parsed = organisationInputSchema.safeParse(raw);
    if (!parsed.success) return fail("invalid-input", describeZodError(parsed.error, raw));
    if (await this.db.organisation.findUnique({ where: { slug: parsed.data.slug } })) {
      return fail("conflict", `An organisation with the slug "${parsed.data.slug}" already exists (or was removed).`, "Choose another slug, or use /contacts edit-org.");
    }
    await writeOrganisation(this.db, parsed.data, this.clock.now());
    this.work.record({ ...auditActor(actor), action: "organisation.add", subjectType: "organisation", subjectId: parsed.data.slug, result: "ok", detail: { after: parsed.data } });
    return ok((await this.read.organisation(parsed.data.slug)) as OrganisationView);
  }

  /**
   * Changes an organisation's fields: `change` receives the current entry in import form and returns the new one.
   * What an admin may not set alone (broad or overlapping responsibilities, short hours) waits as `pending`.
   */
  async editOrganisation(
    actor: Actor,
    slug: string,
    change: (current: z.input<typeof organisationInputSchema>) => z.input<typeof organisationInputSchema>,
  ): Promise<Outcome<{ before: OrganisationView; after: OrganisationView; warnings: string[]; pending: PendingItem[] }>> {
    const before = await this.read.organisation(slug);
    if (!before) return this.unknownOrganisation(slug);
    if (!mayAdminister(actor, before.id)) return fail("not-allowed", `You may not edit ${slug}.`, NOT_ADMIN_HINT);
    const { contacts: _contacts, ...current } = organisationToInput(before);
    const next = change({ ...current, contacts: [] });
    const parsed = organisationInputSchema.safeParse({ ...next, slug: before.slug });
    if (!parsed.success) return fail("invalid-input", describeZodError(parsed.error, next));
    const previous = organisationInputSchema.parse({ ...current, contacts: [] });
    const isCoordinator = actor.contact?.coordinator === true;
    const { refusal, warnings, pending, apply } = await checkDesignations(this.db, isCoordinator, previous, parsed.data, this.settings.approvals);
    if (refusal) return refusal;
    await writeOrganisation(this.db, apply, this.clock.now());
    this.work.record({ ...auditActor(actor), action: "organisation.edit", subjectType: "organisation", subjectId: slug, result: "ok", detail: { before: current, after: apply, ...(warnings.length > 0 ? { warnings } : {}), ...(pending.length > 0 ? { pending } : {}) } });
    if (isCoordinator) {
      await this.approvals.settledBy(before.id, apply.responsibilities);
      // What only coordinators may set, set by one: the others hear of it.
      const granted = [...changedDesignations(previous, apply).map((field) => `${field} set to ${inertLine(JSON.stringify(apply[field]))}`), ...warnings];
      if (granted.length > 0) {
        this.work.send(await toCoordinators(this.db, { text: `${actor.contact?.handle ?? "A coordinator"} changed ${slug}: ${granted.join("; ")}.`, tone: "info" }, actor.contact?.id));
      }
    }
    await this.approvals.request(actor, before, pending);
    return ok({ before, after: (await this.read.organisation(slug)) as OrganisationView, warnings, pending });
  }

  /** Removes an organisation and its contacts (soft: kept in the record, hidden everywhere). Coordinators only. */
  async removeOrganisation(actor: Actor, slug: string, reason: string): Promise<Outcome<OrganisationView>> {
    const before = await this.read.organisation(slug);
    if (!before) return this.unknownOrganisation(slug);
    if (!actor.contact?.coordinator) return fail("not-allowed", "Only a coordinator can remove an organisation.", NOT_ADMIN_HINT);
    const at = this.clock.now();
    const by = auditActor(actor).actor;
    await this.db.organisation.update({ where: { id: before.id }, data: { removedAt: at, removedBy: by, updatedAt: at } });
    await this.db.contact.updateMany({ where: { organisationId: before.id, removedAt: null }, data: { removedAt: at, removedBy: by, updatedAt: at } });
    await this.db.chatIdentity.deleteMany({ where: { contact: { organisationId: before.id } } });
    await this.db.pendingLink.deleteMany({ where: { contact: { organisationId: before.id } } });
    await this.db.searchToken.deleteMany({ where: { organisationId: before.id } });
    this.work.record({ ...auditActor(actor), action: "organisation.remove", subjectType: "organisation", subjectId: slug, result: "ok", detail: { reason, before } });
    return ok(before);
  }

  /** Brings back a removed contact (coordinators only; recorded). */
  restoreContact(actor: Actor, handle: string, reason: string): Promise<Outcome<RestoredContact>> {
    return restoreContact(this.work, actor, handle, reason);
  }

  /** Brings back a removed organisation with the contacts removed with it (coordinators only; recorded). */
  async restoreOrganisation(actor: Actor, slug: string, reason: string): Promise<Outcome<RestoredOrganisation>> {
    return (await restoreOrganisation(this.work, actor, slug, reason)) ?? this.unknownOrganisation(slug);
  }

  /** Adds a contact to an organisation (its admins and coordinators; only coordinators make coordinators). */
  async addContact(actor: Actor, organisationSlug: string, raw: z.input<typeof contactInputSchema>): Promise<Outcome<ContactView>> {
    const organisation = await this.read.organisation(organisationSlug);
    if (!organisation) return this.unknownOrganisation(organisationSlug);
    if (!mayAdminister(actor, organisation.id)) return fail("not-allowed", `You may not add contacts to ${organisationSlug}.`, NOT_ADMIN_HINT);
    const parsed = contactInputSchema.safeParse(raw);
    if (!parsed.success) return fail("invalid-input", describeZodError(parsed.error, raw));
    if (parsed.data.coordinator && !actor.contact?.coordinator) return fail("not-allowed", "Only a coordinator can make someone a coordinator.");
    if (parsed.data.identities.length > 0) return fail("invalid-input", "Chat accounts are not added with the contact: each is linked with /contacts link and proven from the account.");
    if (await this.db.contact.findUnique({ where: { handle: parsed.data.handle } })) {
      return fail("conflict", `The handle "${parsed.data.handle}" is taken (handles are unique, including removed contacts).`, "Choose another handle, e.g. firstname.lastname.");
    }
    await writeContact(this.db, organisation.id, parsed.data, this.clock.now());
    this.work.record({ ...auditActor(actor), action: "contact.add", subjectType: "contact", subjectId: parsed.data.handle, result: "ok", detail: { organisation: organisationSlug, after: parsed.data } });
    return ok((await this.read.contact(parsed.data.handle)) as ContactView);
  }

  /**
   * Changes a contact. Admins of its organisation and coordinators may change everything; contacts may change their
   * own name, email, phone, languages and time zone.
   */
  async editContact(
    actor: Actor,
    handle: string,
    change: (current: z.input<typeof contactInputSchema>) => z.input<typeof contactInputSchema>,
  ): Promise<Outcome<{ before: ContactView; after: ContactView }>> {
    const before = await this.read.contact(handle);
    if (!before) return this.unknownContact(handle);
    const organisation = await this.db.organisation.findUniqueOrThrow({ where: { slug: before.organisationSlug }, select: { id: true } });
    const isAdmin = mayAdminister(actor, organisation.id);
    const isSelf = actor.contact?.id === before.id;
    if (!isAdmin && !isSelf) return fail("not-allowed", `You may not edit ${handle}.`, `${NOT_ADMIN_HINT} Contacts may edit their own entry.`);
    const protectedCoordinator = checkCoordinatorProtected(actor, before, "edit");
    if (protectedCoordinator) return protectedCoordinator;
    const current = contactToInput(before);
    const next = change(current);
    // Chat accounts stay as they are: they change only through /contacts link (proven) and /contacts unlink.
    const parsed = contactInputSchema.safeParse({ ...next, handle: before.handle, identities: current.identities });
    if (!parsed.success) return fail("invalid-input", describeZodError(parsed.error, next));
    if (!isAdmin) {
      const protectedChanged =
        JSON.stringify(parsed.data.roles) !== JSON.stringify(before.roles) || parsed.data.orgAdmin !== before.orgAdmin || parsed.data.coordinator !== before.coordinator;
      if (protectedChanged) return fail("not-allowed", "Roles and admin rights are changed by your organisation admin or a coordinator.");
    }
    if (parsed.data.coordinator !== before.coordinator && !actor.contact?.coordinator) {
      return fail("not-allowed", "Only a coordinator can grant or take the coordinator role.");
    }
    if (!parsed.data.coordinator) {
      const last = await checkNotLastCoordinator(this.db, before, "lose the coordinator role");
      if (last) return last;
    }
    await writeContact(this.db, organisation.id, parsed.data, this.clock.now());
    this.work.record({ ...auditActor(actor), action: "contact.edit", subjectType: "contact", subjectId: handle, result: "ok", detail: { before: current, after: parsed.data } });
    return ok({ before, after: (await this.read.contact(handle)) as ContactView });
  }

  /** Removes a contact (soft) and unlinks its chat identities. */
  async removeContact(actor: Actor, handle: string, reason: string): Promise<Outcome<ContactView>> {
    const before = await this.read.contact(handle);
    if (!before) return this.unknownContact(handle);
    const organisation = await this.db.organisation.findUniqueOrThrow({ where: { slug: before.organisationSlug }, select: { id: true } });
    if (!mayAdminister(actor, organisation.id)) return fail("not-allowed", `You may not remove ${handle}.`, NOT_ADMIN_HINT);
    const refused = checkCoordinatorProtected(actor, before, "remove") ?? (await checkNotLastCoordinator(this.db, before, "be removed"));
    if (refused) return refused;
    const at = this.clock.now();
    await this.db.contact.update({ where: { id: before.id }, data: { removedAt: at, removedBy: auditActor(actor).actor, updatedAt: at } });
    await this.db.chatIdentity.deleteMany({ where: { contactId: before.id } });
    await this.db.pendingLink.deleteMany({ where: { contactId: before.id } });
    await this.db.searchToken.deleteMany({ where: { contactId: before.id } });
    this.work.record({ ...auditActor(actor), action: "contact.remove", subjectType: "contact", subjectId: handle, result: "ok", detail: { reason, before } });
    return ok(before);
  }

  /**
   * Asks for a chat identity to be linked to a contact: a pending link, whose one-time code goes to that account by
   * direct message. It takes effect only when confirmed from the account (confirmLink).
   */
  async link(actor: Actor, handle: string, raw: Pick<PlatformIdentity, "platform" | "workspace" | "userId">): Promise<Outcome<LinkRequested>> {
    const malformed = checkLinkIdentity(raw);
    if (malformed) return malformed;
    const contact = await this.read.contact(handle);
    if (!contact) return this.unknownContact(handle);
    const organisation = await this.db.organisation.findUniqueOrThrow({ where: { slug: contact.organisationSlug }, select: { id: true } });
    if (!mayAdminister(actor, organisation.id)) return fail("not-allowed", `You may not link identities to ${handle}.`, NOT_ADMIN_HINT);
    const protectedCoordinator = checkCoordinatorProtected(actor, contact, "link accounts to");
    if (protectedCoordinator) return protectedCoordinator;
    return this.links.request(actor, contact, canonicalIdentity(raw));
  }

  /** The person typing from an account confirms its pending link with the code Liaison sent to it. */
  confirmLink(actor: Actor, code: string): Promise<Outcome<LinkConfirmed>> {
    return this.links.confirm(actor, code);
  }

  /** A coordinator approves or rejects a change of an organisation that waits for approval. */
  decide(actor: Actor, slug: string, item: string, decision: "approved" | "rejected", reason?: string): Promise<Outcome<ApprovalDecision>> {
    return this.approvals.decide(actor, slug, item, decision, reason);
  }

  /** Removes a chat identity from a contact. */
  async unlink(actor: Actor, handle: string, raw: Pick<PlatformIdentity, "platform" | "workspace" | "userId">): Promise<Outcome<ContactView>> {
    const identity = canonicalIdentity(raw);
    const contact = await this.read.contact(handle);
    if (!contact) return this.unknownContact(handle);
    const organisation = await this.db.organisation.findUniqueOrThrow({ where: { slug: contact.organisationSlug }, select: { id: true } });
    if (!mayAdminister(actor, organisation.id) && actor.contact?.id !== contact.id) return fail("not-allowed", `You may not unlink identities of ${handle}.`, NOT_ADMIN_HINT);
    const protectedCoordinator = checkCoordinatorProtected(actor, contact, "unlink accounts of");
    if (protectedCoordinator) return protectedCoordinator;
    const result = await this.db.chatIdentity.deleteMany({ where: { contactId: contact.id, platform: identity.platform, workspace: identity.workspace, userId: identity.userId } });
    if (result.count > 0) {
      this.work.record({ ...auditActor(actor), action: "contact.unlink", subjectType: "contact", subjectId: handle, result: "ok", detail: { identity: identityKey(identity) } });
    }
    const removed = result.count;
    if (removed === 0) return fail("not-found", `${identityKey(identity)} is not linked to ${handle}.`, `See the linked identities with /contacts show ${handle}.`);
    return ok((await this.read.contact(handle)) as ContactView);
  }

  /** The actor confirms they are still the point of contact; resets their verification. */
  async confirm(actor: Actor): Promise<Outcome<ContactView>> {
    const contact = actor.contact;
    if (!contact) return fail("not-linked", "Only a linked contact can confirm.");
    const at = this.clock.now();
    await this.db.contact.update({ where: { id: contact.id }, data: { lastVerifiedAt: at, verification: "verified", verificationAskedAt: null, updatedAt: at } });
    this.work.record({ ...auditActor(actor), action: "contact.confirm", subjectType: "contact", subjectId: contact.handle, result: "ok", detail: {} });
    return ok((await this.read.contact(contact.handle)) as ContactView);
  }

  /** The answer to a slug that names no organisation: "No such organisation", with the nearest slug when one is close. */
  async unknownOrganisation(slug: string) {
    const shown = inertLine(slug.length > 64 ? `${slug.slice(0, 61)}...` : slug);
    const suggestion = closest(slug, await this.read.slugs());
    return fail("not-found", `No such organisation "${shown}".`, suggestion ? `Did you mean ${inertLine(suggestion)}?` : "Find it with /contacts find <name>.");
  }

  private unknownContact(handle: string) {
    return fail("not-found", `There is no contact "${inertLine(handle.slice(0, 64))}".`, "Find it with /contacts find <name>; handles look like anna.devries.");
  }
}
