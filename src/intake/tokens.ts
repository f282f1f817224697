// Intake API tokens: one or more per reporting organisation, created and revoked by coordinators. The token's text is
// shown once, when it is created; only its SHA-256 is stored, so the database never holds a usable token. A token is
// 32 random bytes (base64url) behind the prefix "lia_", so that secret scanners can recognise a leaked one.
import { createHash, randomBytes } from "node:crypto";
import { newId } from "../core/ids.js";
import { fail, ok, type Outcome } from "../core/result.js";
import { Prisma } from "../store/generated/sqlite/client.js";
import type { Tx } from "../store/types.js";
import type { UnitOfWork } from "../work/unit-of-work.js";

/** The prefix of every intake token. */
export const INTAKE_TOKEN_PREFIX = "lia_";

/** Longest token text looked up (anything longer is refused without hashing). */
export const INTAKE_TOKEN_MAX_CHARS = 128;

/** The stored form of a token's text. */
export function tokenHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** A live token, as the API sees it. */
export interface IntakeTokenView {
  id: string;
  organisationId: string;
  label: string;
}

/** True when a text can be a token at all (anything else is refused without hashing or asking the database). */
function plausibleToken(text: string): boolean {
  return text.length > 0 && text.length <= INTAKE_TOKEN_MAX_CHARS && text.startsWith(INTAKE_TOKEN_PREFIX);
}

/** The live token whose text this is, or undefined (unknown, revoked, or its organisation removed). */
export async function tokenFor(tx: Tx, text: string): Promise<IntakeTokenView | undefined> {
  return (await tokensFor(tx, [text])).get(text);
}

/** The live tokens among these texts, by text, in one statement (none when no text can be a token). */
export async function tokensFor(tx: Tx, texts: readonly string[]): Promise<Map<string, IntakeTokenView>> {
  const byHash = new Map([...new Set(texts.filter(plausibleToken))].map((text) => [tokenHash(text), text]));
  if (byHash.size === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; organisationId: string; label: string; tokenHash: string }[]>`
    SELECT t."id", t."organisationId", t."label", t."tokenHash" FROM "IntakeToken" t JOIN "Organisation" o ON o."id" = t."organisationId"
    WHERE t."tokenHash" IN (${Prisma.join([...byHash.keys()])}) AND t."revokedAt" IS NULL AND o."removedAt" IS NULL`;
  const found = new Map<string, IntakeTokenView>();
  for (const row of rows) {
    const text = byHash.get(row.tokenHash);
    if (text !== undefined) found.set(text, { id: row.id, organisationId: row.organisationId, label: row.label });
  }
  return found;
}

/** Creates a token for an organisation (by slug); the answer holds its text, which is never shown again. */
export async function createIntakeToken(work: UnitOfWork, by: { actor: string; via: string }, slug: string, label: string): Promise<Outcome<{ id: string; text: string; organisation: string }>> {
  const organisation = await work.tx.organisation.findFirst({ where: { slug, removedAt: null }, select: { id: true, slug: true } });
  if (!organisation) return fail("not-found", `No organisation "${slug}" in the directory.`);
  const cleanLabel = label.trim().slice(0, 200);
  const text = `${INTAKE_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const id = newId();
  await work.tx.intakeToken.create({ data: { id, organisationId: organisation.id, tokenHash: tokenHash(text), label: cleanLabel, createdAt: work.clock.now(), createdBy: by.actor } });
  work.record({ actorId: null, actor: by.actor, via: by.via, action: "intake.token-created", subjectType: "intake-token", subjectId: id, result: "ok", detail: { organisation: organisation.slug, label: cleanLabel } });
  return ok({ id, text, organisation: organisation.slug });
}

/** Revokes a token by id: the API refuses it from the moment the revocation commits. */
export async function revokeIntakeToken(work: UnitOfWork, by: { actor: string; via: string }, id: string, reason: string): Promise<Outcome<{ id: string }>> {
  const row = await work.tx.intakeToken.findUnique({ where: { id } });
  if (!row) return fail("not-found", `No intake token ${id}.`);
  if (row.revokedAt !== null) return fail("conflict", `Intake token ${id} was revoked on ${row.revokedAt.toISOString()}.`);
  await work.tx.intakeToken.update({ where: { id }, data: { revokedAt: work.clock.now(), revokedBy: by.actor } });
  work.record({ actorId: null, actor: by.actor, via: by.via, action: "intake.token-revoked", subjectType: "intake-token", subjectId: id, result: "ok", detail: { reason: reason.slice(0, 500) } });
  return ok({ id });
}

/** The tokens of every organisation (never their text): id, organisation, label, created, revoked. */
export async function listIntakeTokens(tx: Tx): Promise<{ id: string; organisation: string; label: string; createdAt: Date; revokedAt: Date | null }[]> {
  const rows = await tx.intakeToken.findMany({ orderBy: { createdAt: "asc" } });
  const organisations = await tx.organisation.findMany({ where: { id: { in: [...new Set(rows.map((row) => row.organisationId))] } }, select: { id: true, slug: true } });
  const slugOf = new Map(organisations.map((row) => [row.id, row.slug]));
  return rows.map((row) => ({ id: row.id, organisation: slugOf.get(row.organisationId) ?? "?", label: row.label, createdAt: row.createdAt, revokedAt: row.revokedAt }));
}
