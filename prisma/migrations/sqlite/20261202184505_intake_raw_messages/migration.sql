-- CreateTable
CREATE TABLE "IntakeRawMessage" (
    "sha256" TEXT NOT NULL PRIMARY KEY,
    "sizeBytes" INTEGER NOT NULL,
    "content" BLOB NOT NULL,
    "mailbox" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL
);
