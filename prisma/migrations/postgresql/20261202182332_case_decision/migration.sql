-- CreateTable
CREATE TABLE "CaseDecision" (
    "caseId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "effectAt" TIMESTAMP(3),
    "restriction" TEXT,
    "ground" TEXT,
    "groundText" TEXT,
    "automatedDetection" BOOLEAN,
    "automatedDecision" BOOLEAN,
    "host" TEXT,
    "decidedAt" TIMESTAMP(3) NOT NULL,
    "decidedById" TEXT NOT NULL,

    CONSTRAINT "CaseDecision_pkey" PRIMARY KEY ("caseId")
);

-- CreateIndex
CREATE INDEX "CaseDecision_decidedAt_idx" ON "CaseDecision"("decidedAt");

-- AddForeignKey
ALTER TABLE "CaseDecision" ADD CONSTRAINT "CaseDecision_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
