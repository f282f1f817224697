-- DropIndex
DROP INDEX "IntakeItem_contentHash_state_idx";

-- DropIndex
DROP INDEX "IntakeItem_ipKey_state_idx";

-- DropIndex
DROP INDEX "IntakeItem_urlKey_state_idx";

-- CreateIndex
CREATE INDEX "IntakeItem_urlKey_state_firstReportedAt_reference_idx" ON "IntakeItem"("urlKey", "state", "firstReportedAt", "reference");

-- CreateIndex
CREATE INDEX "IntakeItem_ipKey_state_firstReportedAt_reference_idx" ON "IntakeItem"("ipKey", "state", "firstReportedAt", "reference");

-- CreateIndex
CREATE INDEX "IntakeItem_contentHash_state_firstReportedAt_reference_idx" ON "IntakeItem"("contentHash", "state", "firstReportedAt", "reference");
