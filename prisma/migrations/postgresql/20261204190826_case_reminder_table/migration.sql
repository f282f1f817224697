-- CreateTable
CREATE TABLE "CaseReminder" (
    "caseId" TEXT NOT NULL,
    "nextReminderAt" TIMESTAMP(3),
    "remindedUntil" TIMESTAMP(3),

    CONSTRAINT "CaseReminder_pkey" PRIMARY KEY ("caseId")
);

-- Carry the reminder state over, one row per case, before the columns are dropped.
INSERT INTO "CaseReminder" ("caseId", "nextReminderAt", "remindedUntil") SELECT "id", "nextReminderAt", "remindedUntil" FROM "Case";

-- DropIndex
DROP INDEX "Case_nextReminderAt_idx";

-- AlterTable
ALTER TABLE "Case" DROP COLUMN "nextReminderAt",
DROP COLUMN "remindedUntil";

-- CreateIndex
CREATE INDEX "CaseReminder_nextReminderAt_idx" ON "CaseReminder"("nextReminderAt");

-- AddForeignKey
ALTER TABLE "CaseReminder" ADD CONSTRAINT "CaseReminder_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
