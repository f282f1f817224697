// Proven chat accounts. /contacts link does not link: it makes a pending link and sends a one-time code by direct
// message to the account itself. The link takes effect only when a person typing FROM that account confirms it with
// the code (/contacts confirm-link, or the button in that message); the chat platform vouches for who typed. Codes
// are random, stored hashed, single use, expire, and a few wrong ones cancel the pending link. The contact is told
// on their other accounts whenever an account is linked to them; conflicts go to the coordinators.
import { createHash, randomInt } from "node:crypto";
import { canonicalIdentity, identityKey, type PlatformIdentity } from "../core/adapter.js";
import { auditActor, mayAdminister, type Actor } from "../core/actor.js";
import type { OutboundMessage } from "../core/message.js";
import { newId } from "../core/ids.js";
import { fail, ok, type Outcome } from "../core/result.js";
import { inertLine } from "../core/text.js";
import type { UnitOfWork } from "../work/unit-of-work.js";
import { checkCoordinatorProtected } from "./accounts.js";
import { toAccount, toCoordinators } from "./notify.js";
import { DirectoryQueries } from "./queries.js";

/** How links are proven (config directory.links). */
export interface LinkSettings {
  /** How long a code stays valid. */
  codeValidForMs: number;
  /** Wrong codes typed from the account before its pending link is cancelled. */
  maxWrongCodes: number;
}

/** The settings config/default.yaml ships with. */
export const DEFAULT_LINK_SETTINGS: LinkSettings = { codeValidForMs: 24 * 3_600_000, maxWrongCodes: 5 };

/** Most links one person may have waiting at once: each sends a direct message to an account, possibly a stranger's. */
export const MAX_OPEN_REQUESTS = 10;

/** Letters and digits of a code: no 0/O, 1/I/L, so that it can be read out and typed without doubt. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** Characters of a code (31^10, about 2^49 codes). */
export const CODE_CHARS = 10;

/** A new one-time code, e.g. "K7QX-M2PA-RT" (dashes are only for reading). */
export function newLinkCode(): string {
  let code = "";
  for (let index = 0; index < CODE_CHARS; index += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** A code as typed, without dashes and spaces and upper-cased; undefined when it cannot be a code. */
export function normaliseLinkCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]/g, "").toUpperCase();
  if (code.length !== CODE_CHARS) return undefined;
  for (const char of code) if (!CODE_ALPHABET.includes(char)) return undefined;
  return code;
}

/** The stored form of a code: SHA-256, hex, of its normalised form. */
export function hashLinkCode(code: string): string {
  return createHash("sha256").update(normaliseLinkCode(code) ?? code).digest("hex");
}

/** A pending link as shown. */
export interface PendingLinkView {
  platform: PlatformIdentity["platform"];
  workspace: string;
  user: string;
  expiresAt: Date;
  createdBy: string;
}

/** What /contacts link answers: the pending link (the code is not in it: it went to the account). */
export interface LinkRequested {
  handle: string;
  name: string;
  account: string;
  expiresAt: Date;
  /** True when the account was already linked to this contact: nothing to prove. */
  alreadyLinked: boolean;
}

/** What /contacts confirm-link answers. */
export interface LinkConfirmed {
  handle: string;
  name: string;
  organisationName: string;
  account: string;
}

/** The account's description in messages: "matrix @anna:police.example", "slack U024BE7LH (T061EG9R6)". */
export function accountLabel(identity: Pick<PlatformIdentity, "platform" | "workspace" | "userId">): string {
  return `${identity.platform} ${inertLine(identity.userId)}${identity.workspace ? ` (${inertLine(identity.workspace)})` : ""}`;
}

type Key = { platform: string; workspace: string; userId: string };

/** Pending links: requested by admins and coordinators, proven from the account. */
export class AccountLinks {
  constructor(
    private readonly work: UnitOfWork,
    private readonly settings: LinkSettings = DEFAULT_LINK_SETTINGS,
  ) {}

  /** The pending links of a contact, for /contacts show. */
  async pendingFor(contactId: string): Promise<PendingLinkView[]> {
    const rows = await this.work.tx.pendingLink.findMany({ where: { contactId, expiresAt: { gt: this.work.clock.now() } }, orderBy: [{ platform: "asc" }, { userId: "asc" }] });
    return rows.map((row) => ({ platform: row.platform as PendingLinkView["platform"], workspace: row.workspace, user: row.userId, expiresAt: row.expiresAt, createdBy: row.createdBy }));
  }

  /**
   * Asks for `identity` to be linked to the contact (whose rights the caller has checked): a pending link, and its
   * code sent to the account. An account linked or pending for someone else is a conflict for the coordinators.
   */
  async request(actor: Actor, contact: { id: string; handle: string; name: string; organisationName: string }, raw: Key): Promise<Outcome<LinkRequested>> {
    const tx = this.work.tx;
    const identity = canonicalIdentity(raw as Pick<PlatformIdentity, "platform" | "workspace" | "userId">);
    const key = { platform: identity.platform, workspace: identity.workspace, userId: identity.userId };
    const now = this.work.clock.now();
    const account = accountLabel(identity);
    const linked = await tx.chatIdentity.findUnique({ where: { platform_workspace_userId: key }, include: { contact: { select: { id: true, handle: true } } } });
    if (linked && linked.contactId === contact.id) return ok({ handle: contact.handle, name: contact.name, account, expiresAt: now, alreadyLinked: true });
    if (linked) return this.conflict(actor, contact.handle, identity, `it is already linked to ${linked.contact.handle}`);
    await tx.pendingLink.deleteMany({ where: { ...key, expiresAt: { lte: now } } });
    const pending = await tx.pendingLink.findUnique({ where: { platform_workspace_userId: key }, include: { contact: { select: { handle: true } } } });
    if (pending && pending.contactId !== contact.id) return this.conflict(actor, contact.handle, identity, `a link of it to ${pending.contact.handle} is waiting for confirmation`);
    const by = auditActor(actor).actor;
    const open = await tx.pendingLink.count({ where: { createdBy: by, expiresAt: { gt: now }, NOT: { ...key } } });
    if (open >= MAX_OPEN_REQUESTS) {
      return fail("conflict", `You have ${open} links waiting for confirmation; Liaison sends no more codes for you until some are confirmed or expire.`, "See them with /contacts show <handle>; each expires after its code's validity.");
    }
    const code = newLinkCode();
    const expiresAt = new Date(now.getTime() + this.settings.codeValidForMs);
    if (pending) await tx.pendingLink.delete({ where: { id: pending.id } });
    await tx.pendingLink.create({ data: { id: newId(), contactId: contact.id, ...key, codeHash: hashLinkCode(code), expiresAt, attempts: 0, createdBy: by, createdAt: now } });
    this.work.send([toAccount(identity, proofMessage(contact, by, code, expiresAt))]);
    this.work.record({ ...auditActor(actor), action: "contact.link-requested", subjectType: "contact", subjectId: contact.handle, result: "ok", detail: { identity: identityKey(identity), expiresAt: expiresAt.toISOString(), ...(pending ? { replaces: "earlier code" } : {}) } });
    return ok({ handle: contact.handle, name: contact.name, account, expiresAt, alreadyLinked: false });
  }

  /**
   * The person typing from an account confirms its pending link with the code sent to it. Only the account the
   * code was issued for can confirm it: a right code typed from another account cancels the link (the code got out).
   */
  async confirm(actor: Actor, typed: string): Promise<Outcome<LinkConfirmed>> {
    const tx = this.work.tx;
    const now = this.work.clock.now();
    const identity = canonicalIdentity(actor.identity);
    const key = { platform: identity.platform, workspace: identity.workspace, userId: identity.userId };
    const code = normaliseLinkCode(typed);
    if (!code) return fail("invalid-input", `That is not a link code: a code has ${CODE_CHARS} letters and digits, e.g. K7QX-M2PA-RT.`, "Copy the code from the direct message Liaison sent to this account, or press its button.");
    const byCode = await tx.pendingLink.findUnique({ where: { codeHash: hashLinkCode(code) }, include: { contact: { select: { handle: true } } } });
    if (byCode && (byCode.platform !== key.platform || byCode.workspace !== key.workspace || byCode.userId !== key.userId)) {
      await tx.pendingLink.delete({ where: { id: byCode.id } });
      const issuedFor = { platform: byCode.platform, workspace: byCode.workspace, userId: byCode.userId } as Pick<PlatformIdentity, "platform" | "workspace" | "userId">;
      this.record(actor, byCode.contact.handle, "contact.link-cancelled", `refused:not-allowed`, { identity: identityKey(issuedFor), reason: `its code was typed from ${identityKey(identity)}` });
      this.work.send(await toCoordinators(tx, notice(`⚠ The code for linking ${accountLabel(issuedFor)} to ${byCode.contact.handle} was typed from another account, ${accountLabel(identity)}; the pending link is cancelled. A new /contacts link sends a new code.`)));
      return fail("not-allowed", "This code was not issued for the account you are typing from, so it links nothing; it is now cancelled.", "A code works only when typed from the account it was sent to.");
    }
    const pending = await tx.pendingLink.findUnique({ where: { platform_workspace_userId: key }, include: { contact: { include: { organisation: { select: { name: true } } } } } });
    if (!pending) return fail("not-found", `No link of this account (${accountLabel(identity)}) is waiting for confirmation.`, "Ask your organisation admin or a coordinator to link it: /contacts link <your-handle> ...; Liaison then sends the code here.");
    const handle = pending.contact.handle;
    if (pending.expiresAt <= now) {
      await tx.pendingLink.delete({ where: { id: pending.id } });
      this.record(actor, handle, "contact.link-expired", "refused:invalid-input", { identity: identityKey(identity) });
      return fail("invalid-input", "This link code has expired; nothing was linked.", "Ask for the link again: a new code is sent here.");
    }
    if (!byCode) {
      const attempts = pending.attempts + 1;
      if (attempts >= this.settings.maxWrongCodes) {
        await tx.pendingLink.delete({ where: { id: pending.id } });
        this.record(actor, handle, "contact.link-cancelled", "refused:not-allowed", { identity: identityKey(identity), reason: `${attempts} wrong codes` });
        this.work.send(await toCoordinators(tx, notice(`⚠ ${attempts} wrong codes were typed from ${accountLabel(identity)} for its link to ${handle}; the pending link is cancelled.`)));
        return fail("not-allowed", `That code is wrong, the ${attempts}th wrong one: the pending link is cancelled and nothing was linked.`, "Ask for the link again: a new code is sent here.");
      }
      await tx.pendingLink.update({ where: { id: pending.id }, data: { attempts } });
      this.record(actor, handle, "contact.link-wrong-code", "refused:invalid-input", { identity: identityKey(identity), attempts });
      return fail("invalid-input", `That code is wrong; ${this.settings.maxWrongCodes - attempts} more tries before the pending link is cancelled.`, "Copy the code from the direct message Liaison sent to this account, or press its button.");
    }
    await tx.pendingLink.delete({ where: { id: pending.id } });
    if (pending.contact.removedAt) return fail("not-found", `${handle} has been removed from the directory; nothing was linked.`);
    // Whoever asked must still be allowed to: not removed, still an admin there, and a coordinator if the contact
    // has become one meanwhile (a link asked for earlier does not carry over to rights granted later).
    const requester: Actor = { identity: actor.identity, contact: await new DirectoryQueries(tx).actorByHandle(pending.createdBy) };
    const stale = !mayAdminister(requester, pending.contact.organisationId) ? fail("not-allowed", `${inertLine(pending.createdBy)}, who asked for this link, may no longer link accounts to ${handle}.`) : checkCoordinatorProtected(requester, pending.contact, "link accounts to");
    if (stale) {
      this.record(actor, handle, "contact.link-cancelled", `refused:${stale.code}`, { identity: identityKey(identity), reason: `${pending.createdBy} may no longer link accounts to ${handle}` });
      return fail("not-allowed", `${stale.message} Nothing was linked.`, "Ask a coordinator to link it.");
    }
    const linked = await tx.chatIdentity.findUnique({ where: { platform_workspace_userId: key }, include: { contact: { select: { handle: true } } } });
    if (linked && linked.contactId !== pending.contactId) {
      this.record(actor, handle, "contact.link-conflict", "refused:conflict", { identity: identityKey(identity), linkedTo: linked.contact.handle });
      this.work.send(await toCoordinators(tx, notice(`⚠ ${accountLabel(identity)} confirmed a link to ${handle}, but it is already linked to ${linked.contact.handle}; nothing was changed. To move it: /contacts unlink ${linked.contact.handle} ..., then /contacts link ${handle} ...`)));
      return fail("conflict", `This account is already linked to ${linked.contact.handle}; nothing was changed, and the coordinators are told.`, "A coordinator resolves it.");
    }
    const others = await tx.chatIdentity.findMany({ where: { contactId: pending.contactId }, select: { platform: true, workspace: true, userId: true } });
    if (!linked) await tx.chatIdentity.create({ data: { id: newId(), contactId: pending.contactId, ...key, createdAt: now } });
    this.record(actor, handle, "contact.link", "ok", { identity: identityKey(identity), requestedBy: pending.createdBy, proven: "confirmed from the account" });
    const told = notice(`An account was linked to you (${handle}): ${accountLabel(identity)}, asked for by ${inertLine(pending.createdBy)} and confirmed from that account. Whoever uses it acts as you in Liaison. If it is not yours: /contacts unlink ${handle} ${identity.platform} ${inertLine(identity.userId)}${identity.workspace ? ` --workspace ${inertLine(identity.workspace)}` : ""}`);
    this.work.send(others.map((other) => toAccount(other as Pick<PlatformIdentity, "platform" | "workspace" | "userId">, told)));
    return ok({ handle, name: pending.contact.name, organisationName: pending.contact.organisation.name, account: accountLabel(identity) });
  }

  private record(actor: Actor, handle: string, action: string, result: string, detail: Record<string, unknown>): void {
    this.work.record({ ...auditActor(actor), action, subjectType: "contact", subjectId: handle, result, detail });
  }

  /** Refuses a link request that clashes with another contact's account, and tells the coordinators. */
  private async conflict(actor: Actor, handle: string, identity: Pick<PlatformIdentity, "platform" | "workspace" | "userId">, why: string): Promise<Outcome<never>> {
    const by = auditActor(actor).actor;
    this.record(actor, handle, "contact.link-conflict", "refused:conflict", { identity: identityKey(identity), reason: why });
    const unlink = `/contacts unlink <handle> ${identity.platform} ${inertLine(identity.userId)}${identity.workspace ? ` --workspace ${inertLine(identity.workspace)}` : ""}`;
    this.work.send(await toCoordinators(this.work.tx, notice(`⚠ ${inertLine(by)} asked to link ${accountLabel(identity)} to ${handle}, but ${why}. Nothing was changed. If it should move: ${unlink}, then /contacts link again.`), actor.contact?.id));
    return fail("conflict", `${accountLabel(identity)} cannot be linked to ${handle}: ${why}. Nothing was changed; the coordinators are told and resolve it.`, `A coordinator unlinks it first: ${unlink}`);
  }
}

/** A plain notice. */
function notice(text: string): OutboundMessage {
  return { text, tone: "warning" };
}

/** The message to the account: who asked, for whom, the code, and its button. */
function proofMessage(contact: { handle: string; name: string; organisationName: string }, by: string, code: string, expiresAt: Date): OutboundMessage {
  const who = `${inertLine(contact.name)} (${contact.handle}) of ${inertLine(contact.organisationName)}`;
  const command = `/contacts confirm-link ${code}`;
  const text = [
    `${inertLine(by)} asked Liaison to link this account to the directory contact ${who}.`,
    `If you are ${inertLine(contact.name)}, confirm from this account: ${command} (valid until ${expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC).`,
    "If you are not, do nothing: the link takes effect only when it is confirmed from this account.",
  ].join("\n");
  return { title: "Confirm a link to your account", text, tone: "info", actions: [{ id: "confirm-link", label: "It is me: link this account", style: "primary", command }] };
}
