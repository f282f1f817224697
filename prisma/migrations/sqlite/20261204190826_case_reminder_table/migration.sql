-- CreateTable
CREATE TABLE "CaseReminder" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "nextReminderAt" DATETIME,
    "remindedUntil" DATETIME,
    CONSTRAINT "CaseReminder_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Carry the reminder state over, one row per case, before "Case" is rebuilt without its columns.
INSERT INTO "CaseReminder" ("caseId", "nextReminderAt", "remindedUntil") SELECT "id", "nextReminderAt", "remindedUntil" FROM "Case";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Case" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reference" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "stateBeforeClarification" TEXT,
    "tlp" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "openerOrgId" TEXT NOT NULL,
    "openerContactId" TEXT NOT NULL,
    "recipientOrgId" TEXT NOT NULL,
    "responsibleContactId" TEXT,
    "summary" TEXT NOT NULL,
    "fields" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "receivedAt" DATETIME,
    "acknowledgedAt" DATETIME,
    "resolvedAt" DATETIME,
    "closedAt" DATETIME,
    "outcome" TEXT,
    "outcomeReason" TEXT,
    "clockMode" TEXT NOT NULL,
    "ackDueAt" DATETIME,
    "resolveDueAt" DATETIME,
    "clockStartAt" DATETIME NOT NULL,
    "pauses" TEXT NOT NULL DEFAULT '[]',
    "extendedMs" INTEGER NOT NULL DEFAULT 0,
    "ackDurationMs" INTEGER NOT NULL,
    "resolveDurationMs" INTEGER,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Case" ("ackDueAt", "ackDurationMs", "acknowledgedAt", "clockMode", "clockStartAt", "closedAt", "extendedMs", "fields", "id", "kind", "openedAt", "openerContactId", "openerOrgId", "outcome", "outcomeReason", "pauses", "priority", "receivedAt", "recipientOrgId", "reference", "resolveDueAt", "resolveDurationMs", "resolvedAt", "responsibleContactId", "state", "stateBeforeClarification", "summary", "tlp", "topic", "updatedAt") SELECT "ackDueAt", "ackDurationMs", "acknowledgedAt", "clockMode", "clockStartAt", "closedAt", "extendedMs", "fields", "id", "kind", "openedAt", "openerContactId", "openerOrgId", "outcome", "outcomeReason", "pauses", "priority", "receivedAt", "recipientOrgId", "reference", "resolveDueAt", "resolveDurationMs", "resolvedAt", "responsibleContactId", "state", "stateBeforeClarification", "summary", "tlp", "topic", "updatedAt" FROM "Case";
DROP TABLE "Case";
ALTER TABLE "new_Case" RENAME TO "Case";
CREATE UNIQUE INDEX "Case_reference_key" ON "Case"("reference");
CREATE INDEX "Case_state_ackDueAt_idx" ON "Case"("state", "ackDueAt");
CREATE INDEX "Case_state_resolveDueAt_idx" ON "Case"("state", "resolveDueAt");
CREATE INDEX "Case_recipientOrgId_state_idx" ON "Case"("recipientOrgId", "state");
CREATE INDEX "Case_openerOrgId_state_idx" ON "Case"("openerOrgId", "state");
CREATE INDEX "Case_openerContactId_tlp_idx" ON "Case"("openerContactId", "tlp");
CREATE INDEX "Case_responsibleContactId_tlp_idx" ON "Case"("responsibleContactId", "tlp");
CREATE INDEX "Case_openedAt_idx" ON "Case"("openedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "CaseReminder_nextReminderAt_idx" ON "CaseReminder"("nextReminderAt");
