-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN     "nonce" TEXT;

-- CreateTable
CREATE TABLE "AuditPending" (
    "id" SERIAL NOT NULL,
    "nonce" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actorId" TEXT,
    "actor" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "caseId" TEXT,
    "result" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "mac" TEXT NOT NULL,

    CONSTRAINT "AuditPending_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditPending_nonce_key" ON "AuditPending"("nonce");

-- CreateIndex
CREATE INDEX "AuditPending_caseId_id_idx" ON "AuditPending"("caseId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_nonce_key" ON "AuditEntry"("nonce");
