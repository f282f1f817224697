-- CreateTable
CREATE TABLE "EvidenceAddressee" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "memberState" TEXT NOT NULL,
    "languages" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "EvidenceOrder" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "certificate" TEXT NOT NULL,
    "issuerMemberState" TEXT NOT NULL,
    "addresseeMemberState" TEXT NOT NULL,
    "emergency" BOOLEAN NOT NULL,
    "notified" BOOLEAN NOT NULL,
    "enforcingOrgId" TEXT,
    "validation" TEXT NOT NULL,
    "validatorOrgId" TEXT,
    "validationDueAt" DATETIME,
    "validatedAt" DATETIME,
    "enforcingConfirmedAt" DATETIME,
    "enforcingRefusedAt" DATETIME,
    "enforcingGrounds" TEXT,
    "inabilityGround" TEXT,
    "inabilityText" TEXT,
    "inabilityAt" DATETIME,
    "pauses" TEXT NOT NULL DEFAULT '[]',
    "issuerReactionDueAt" DATETIME,
    "fulfilledAt" DATETIME,
    "preservation" TEXT,
    "preservationEndsAt" DATETIME,
    "preservationExtended" BOOLEAN NOT NULL DEFAULT false,
    "subsequentRequestAt" DATETIME,
    "releasedAt" DATETIME,
    "issuedAt" DATETIME NOT NULL,
    "nextReminderAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "EvidenceAddressee_organisationId_memberState_key" ON "EvidenceAddressee"("organisationId", "memberState");

-- CreateIndex
CREATE INDEX "EvidenceOrder_nextReminderAt_idx" ON "EvidenceOrder"("nextReminderAt");

-- CreateIndex
CREATE INDEX "EvidenceOrder_issuedAt_idx" ON "EvidenceOrder"("issuedAt");
