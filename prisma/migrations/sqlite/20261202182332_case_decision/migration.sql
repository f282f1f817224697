-- CreateTable
CREATE TABLE "CaseDecision" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "outcome" TEXT NOT NULL,
    "effectAt" DATETIME,
    "restriction" TEXT,
    "ground" TEXT,
    "groundText" TEXT,
    "automatedDetection" BOOLEAN,
    "automatedDecision" BOOLEAN,
    "host" TEXT,
    "decidedAt" DATETIME NOT NULL,
    "decidedById" TEXT NOT NULL,
    CONSTRAINT "CaseDecision_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CaseDecision_decidedAt_idx" ON "CaseDecision"("decidedAt");
