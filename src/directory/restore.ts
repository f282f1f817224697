// Bringing back a removed contact or organisation: coordinators only. A removal kept the entry (soft), so restoring
// clears its removal and rebuilds its search words. Chat accounts were unlinked at removal and stay unlinked: each is
// proven again with /contacts link. An organisation comes back with the contacts removed together with it (the same
// removal instant), not with those removed before it.
import { auditActor, type Actor } from "../core/actor.js";
import { fail, ok, type Outcome } from "../core/result.js";
import { inertLine } from "../core/text.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import { searchTokens, writeTokens } from "./store.js";

/** A restored contact. */
export interface RestoredContact {
  handle: string;
  name: string;
  organisationSlug: string;
}

/** A restored organisation, with the contacts restored with it and those that stay removed. */
export interface RestoredOrganisation {
  slug: string;
  name: string;
  contacts: RestoredContact[];
  /** Contacts removed before the organisation was: they stay removed (restore each with /contacts restore). */
  stillRemoved: string[];
}

const COORDINATORS_ONLY = "Only a coordinator can bring back a removed entry.";

/** Restores a removed contact whose organisation is not removed. */
export async function restoreContact(work: UnitOfWork, actor: Actor, handle: string, reason: string): Promise<Outcome<RestoredContact>> {
  if (!actor.contact?.coordinator) return fail("not-allowed", COORDINATORS_ONLY);
  const db = work.tx;
  const row = await db.contact.findUnique({ where: { handle }, include: { organisation: { select: { id: true, slug: true, removedAt: true } } } });
  if (!row) return fail("not-found", `There is no contact "${inertLine(handle.slice(0, 64))}", removed or not.`, "Find it with /contacts find <name>; handles look like anna.devries.");
  if (!row.removedAt) return fail("conflict", `${inertLine(row.handle)} is not removed.`, `See it with /contacts show ${inertLine(row.handle)}.`);
  if (row.organisation.removedAt) return fail("conflict", `${inertLine(row.handle)}'s organisation ${inertLine(row.organisation.slug)} is removed: restore it first with /contacts restore-org ${inertLine(row.organisation.slug)}.`);
  const at = work.clock.now();
  await db.contact.update({ where: { id: row.id }, data: { removedAt: null, removedBy: null, updatedAt: at } });
  await writeTokens(db, row.organisation.id, row.id, searchTokens(row.name, row.handle));
  work.record({ ...auditActor(actor), action: "contact.restore", subjectType: "contact", subjectId: row.handle, result: "ok", detail: { reason, removedAt: row.removedAt.toISOString(), removedBy: row.removedBy } });
  return ok({ handle: row.handle, name: row.name, organisationSlug: row.organisation.slug });
}

/** Restores a removed organisation and the contacts removed with it. */
export async function restoreOrganisation(work: UnitOfWork, actor: Actor, slug: string, reason: string): Promise<Outcome<RestoredOrganisation> | undefined> {
  if (!actor.contact?.coordinator) return fail("not-allowed", COORDINATORS_ONLY);
  const db = work.tx;
  const row = await db.organisation.findUnique({ where: { slug }, include: { contacts: { select: { id: true, handle: true, name: true, removedAt: true } } } });
  if (!row) return undefined;
  if (!row.removedAt) return fail("conflict", `${inertLine(row.slug)} is not removed.`, `See it with /contacts show ${inertLine(row.slug)}.`);
  const removedAt = row.removedAt.getTime();
  const withIt = row.contacts.filter((contact) => contact.removedAt?.getTime() === removedAt);
  const stillRemoved = row.contacts.filter((contact) => contact.removedAt !== null && contact.removedAt.getTime() !== removedAt).map((contact) => contact.handle);
  const at = work.clock.now();
  await db.organisation.update({ where: { id: row.id }, data: { removedAt: null, removedBy: null, updatedAt: at } });
  await writeTokens(db, row.id, "", searchTokens(row.name, row.slug));
  for (const contact of withIt) {
    await db.contact.update({ where: { id: contact.id }, data: { removedAt: null, removedBy: null, updatedAt: at } });
    await writeTokens(db, row.id, contact.id, searchTokens(contact.name, contact.handle));
  }
  const contacts = withIt.map((contact) => ({ handle: contact.handle, name: contact.name, organisationSlug: row.slug }));
  work.record({
    ...auditActor(actor),
    action: "organisation.restore",
    subjectType: "organisation",
    subjectId: row.slug,
    result: "ok",
    detail: { reason, removedAt: row.removedAt.toISOString(), removedBy: row.removedBy, contacts: contacts.map((contact) => contact.handle), stillRemoved },
  });
  return ok({ slug: row.slug, name: row.name, contacts, stillRemoved });
}
