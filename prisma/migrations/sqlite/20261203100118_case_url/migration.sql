-- CreateTable
CREATE TABLE "CaseUrl" (
    "urlKey" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "recipientOrgId" TEXT NOT NULL,

    PRIMARY KEY ("urlKey", "caseId")
);

-- CreateIndex
CREATE INDEX "CaseUrl_urlKey_recipientOrgId_idx" ON "CaseUrl"("urlKey", "recipientOrgId");
