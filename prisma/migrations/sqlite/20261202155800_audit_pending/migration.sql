-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN "nonce" TEXT;

-- CreateTable
CREATE TABLE "AuditPending" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "nonce" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "actorId" TEXT,
    "actor" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "caseId" TEXT,
    "result" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "mac" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditPending_nonce_key" ON "AuditPending"("nonce");

-- CreateIndex
CREATE INDEX "AuditPending_caseId_id_idx" ON "AuditPending"("caseId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_nonce_key" ON "AuditEntry"("nonce");
