-- CreateTable
CREATE TABLE "TcoAdvance" (
    "issuerOrgId" TEXT NOT NULL,
    "providerOrgId" TEXT NOT NULL,
    "informedAt" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "recordedBy" TEXT NOT NULL,

    CONSTRAINT "TcoAdvance_pkey" PRIMARY KEY ("issuerOrgId","providerOrgId")
);

-- CreateTable
CREATE TABLE "TcoOrder" (
    "caseId" TEXT NOT NULL,
    "issuerMemberState" TEXT NOT NULL,
    "hostMemberState" TEXT NOT NULL,
    "emergencyJustification" TEXT,
    "copyOrgId" TEXT,
    "copyAt" TIMESTAMP(3),
    "copyMode" TEXT,
    "scrutinyRequestedAt" TIMESTAMP(3),
    "scrutinyRequestedBy" TEXT,
    "scrutinyRequest" TEXT,
    "scrutinyDueAt" TIMESTAMP(3),
    "scrutinyDecidedAt" TIMESTAMP(3),
    "scrutinyInfringes" BOOLEAN,
    "scrutinyReasons" TEXT,
    "reinstatedAt" TIMESTAMP(3),
    "removedAt" TIMESTAMP(3),
    "preservationEndsAt" TIMESTAMP(3),
    "preservationExtensions" TEXT NOT NULL DEFAULT '[]',
    "preservationExpiredAt" TIMESTAMP(3),
    "nondisclosureAt" TIMESTAMP(3),
    "nondisclosureReason" TEXT,
    "nondisclosureEndsAt" TIMESTAMP(3),
    "nondisclosureExtended" BOOLEAN NOT NULL DEFAULT false,
    "nondisclosureEndedAt" TIMESTAMP(3),
    "remindedUntil" TIMESTAMP(3),
    "nextReminderAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TcoOrder_pkey" PRIMARY KEY ("caseId")
);

-- CreateIndex
CREATE INDEX "TcoOrder_nextReminderAt_idx" ON "TcoOrder"("nextReminderAt");
