-- CreateTable
CREATE TABLE "IntakeRawMessage" (
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "content" BYTEA NOT NULL,
    "mailbox" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IntakeRawMessage_pkey" PRIMARY KEY ("sha256")
);
