-- CreateIndex
CREATE INDEX "IntakeItem_domainKey_state_idx" ON "IntakeItem"("domainKey", "state");
