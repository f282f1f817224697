-- CreateTable
CREATE TABLE "PendingLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contactId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "workspace" TEXT NOT NULL DEFAULT '',
    "userId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "PendingLink_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PendingApproval" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL,
    CONSTRAINT "PendingApproval_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "PendingLink_codeHash_key" ON "PendingLink"("codeHash");

-- CreateIndex
CREATE INDEX "PendingLink_contactId_idx" ON "PendingLink"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "PendingLink_platform_workspace_userId_key" ON "PendingLink"("platform", "workspace", "userId");

-- CreateIndex
CREATE INDEX "PendingApproval_organisationId_idx" ON "PendingApproval"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "PendingApproval_organisationId_type_value_key" ON "PendingApproval"("organisationId", "type", "value");
