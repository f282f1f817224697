-- DropIndex
DROP INDEX "OutboxMessage_streamKey_seq_idx";
