-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN "repeatThreshold" INTEGER;

-- CreateTable
CREATE TABLE "IntakeToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "createdBy" TEXT NOT NULL,
    "revokedAt" DATETIME,
    "revokedBy" TEXT
);

-- CreateTable
CREATE TABLE "IntakeItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reference" TEXT NOT NULL,
    "routedToId" TEXT,
    "routeReason" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "groupKey" TEXT NOT NULL,
    "urlKey" TEXT,
    "ipKey" TEXT,
    "domainKey" TEXT,
    "contentHash" TEXT,
    "target" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "tlp" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "reportCount" INTEGER NOT NULL,
    "firstReportedAt" DATETIME NOT NULL,
    "lastReportedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "decidedBy" TEXT,
    "decisionReason" TEXT,
    "caseId" TEXT
);

-- CreateTable
CREATE TABLE "IntakeReportEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "itemId" TEXT NOT NULL,
    "claimKey" TEXT NOT NULL,
    "reportingOrganisationId" TEXT,
    "source" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "receivedVia" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "report" TEXT NOT NULL,
    CONSTRAINT "IntakeReportEntry_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "IntakeItem" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "IntakeToken_tokenHash_key" ON "IntakeToken"("tokenHash");

-- CreateIndex
CREATE INDEX "IntakeToken_organisationId_idx" ON "IntakeToken"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "IntakeItem_reference_key" ON "IntakeItem"("reference");

-- CreateIndex
CREATE INDEX "IntakeItem_groupKey_routedToId_state_idx" ON "IntakeItem"("groupKey", "routedToId", "state");

-- CreateIndex
CREATE INDEX "IntakeItem_urlKey_state_idx" ON "IntakeItem"("urlKey", "state");

-- CreateIndex
CREATE INDEX "IntakeItem_ipKey_state_idx" ON "IntakeItem"("ipKey", "state");

-- CreateIndex
CREATE INDEX "IntakeItem_contentHash_state_idx" ON "IntakeItem"("contentHash", "state");

-- CreateIndex
CREATE INDEX "IntakeItem_routedToId_state_idx" ON "IntakeItem"("routedToId", "state");

-- CreateIndex
CREATE INDEX "IntakeItem_createdAt_idx" ON "IntakeItem"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "IntakeReportEntry_claimKey_key" ON "IntakeReportEntry"("claimKey");

-- CreateIndex
CREATE INDEX "IntakeReportEntry_itemId_receivedAt_idx" ON "IntakeReportEntry"("itemId", "receivedAt");

-- CreateIndex
CREATE INDEX "IntakeReportEntry_receivedAt_idx" ON "IntakeReportEntry"("receivedAt");

-- CreateIndex
CREATE INDEX "IntakeReportEntry_reportingOrganisationId_receivedAt_idx" ON "IntakeReportEntry"("reportingOrganisationId", "receivedAt");
