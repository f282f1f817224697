-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "hash" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "signature" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "CaseKey" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "wrapped" TEXT,
    "createdAt" DATETIME NOT NULL,
    "destroyedAt" DATETIME
);
