-- CreateIndex
CREATE INDEX "Case_openerContactId_tlp_idx" ON "Case"("openerContactId", "tlp");

-- CreateIndex
CREATE INDEX "Case_responsibleContactId_tlp_idx" ON "Case"("responsibleContactId", "tlp");

-- CreateIndex
CREATE INDEX "OutboxMessage_state_streamKey_seq_idx" ON "OutboxMessage"("state", "streamKey", "seq");
