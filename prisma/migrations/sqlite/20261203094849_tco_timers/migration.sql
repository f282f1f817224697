-- CreateTable
CREATE TABLE "TcoAdvance" (
    "issuerOrgId" TEXT NOT NULL,
    "providerOrgId" TEXT NOT NULL,
    "informedAt" DATETIME NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    "recordedBy" TEXT NOT NULL,

    PRIMARY KEY ("issuerOrgId", "providerOrgId")
);

-- CreateTable
CREATE TABLE "TcoOrder" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "issuerMemberState" TEXT NOT NULL,
    "hostMemberState" TEXT NOT NULL,
    "emergencyJustification" TEXT,
    "copyOrgId" TEXT,
    "copyAt" DATETIME,
    "copyMode" TEXT,
    "scrutinyRequestedAt" DATETIME,
    "scrutinyRequestedBy" TEXT,
    "scrutinyRequest" TEXT,
    "scrutinyDueAt" DATETIME,
    "scrutinyDecidedAt" DATETIME,
    "scrutinyInfringes" BOOLEAN,
    "scrutinyReasons" TEXT,
    "reinstatedAt" DATETIME,
    "removedAt" DATETIME,
    "preservationEndsAt" DATETIME,
    "preservationExtensions" TEXT NOT NULL DEFAULT '[]',
    "preservationExpiredAt" DATETIME,
    "nondisclosureAt" DATETIME,
    "nondisclosureReason" TEXT,
    "nondisclosureEndsAt" DATETIME,
    "nondisclosureExtended" BOOLEAN NOT NULL DEFAULT false,
    "nondisclosureEndedAt" DATETIME,
    "remindedUntil" DATETIME,
    "nextReminderAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "TcoOrder_nextReminderAt_idx" ON "TcoOrder"("nextReminderAt");
