-- CreateTable
CREATE TABLE "EvidenceAddressee" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "memberState" TEXT NOT NULL,
    "languages" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "EvidenceAddressee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvidenceOrder" (
    "caseId" TEXT NOT NULL,
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
    "validationDueAt" TIMESTAMP(3),
    "validatedAt" TIMESTAMP(3),
    "enforcingConfirmedAt" TIMESTAMP(3),
    "enforcingRefusedAt" TIMESTAMP(3),
    "enforcingGrounds" TEXT,
    "inabilityGround" TEXT,
    "inabilityText" TEXT,
    "inabilityAt" TIMESTAMP(3),
    "pauses" TEXT NOT NULL DEFAULT '[]',
    "issuerReactionDueAt" TIMESTAMP(3),
    "fulfilledAt" TIMESTAMP(3),
    "preservation" TEXT,
    "preservationEndsAt" TIMESTAMP(3),
    "preservationExtended" BOOLEAN NOT NULL DEFAULT false,
    "subsequentRequestAt" TIMESTAMP(3),
    "releasedAt" TIMESTAMP(3),
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "nextReminderAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EvidenceOrder_pkey" PRIMARY KEY ("caseId")
);

-- CreateIndex
CREATE UNIQUE INDEX "EvidenceAddressee_organisationId_memberState_key" ON "EvidenceAddressee"("organisationId", "memberState");

-- CreateIndex
CREATE INDEX "EvidenceOrder_nextReminderAt_idx" ON "EvidenceOrder"("nextReminderAt");

-- CreateIndex
CREATE INDEX "EvidenceOrder_issuedAt_idx" ON "EvidenceOrder"("issuedAt");
