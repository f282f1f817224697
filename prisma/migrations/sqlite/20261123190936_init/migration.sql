-- CreateTable
CREATE TABLE "Organisation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "jurisdictions" TEXT NOT NULL DEFAULT '',
    "languages" TEXT NOT NULL DEFAULT '',
    "timeZone" TEXT NOT NULL,
    "workingHours" TEXT NOT NULL,
    "emergency24x7" BOOLEAN NOT NULL DEFAULT false,
    "abuseContact" TEXT,
    "legalPointOfContact" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "removedAt" DATETIME,
    "removedBy" TEXT
);

-- CreateTable
CREATE TABLE "Responsibility" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "rangeStart" TEXT NOT NULL,
    "rangeEnd" TEXT NOT NULL,
    CONSTRAINT "Responsibility_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CaseChannel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "workspace" TEXT NOT NULL DEFAULT '',
    "channelId" TEXT NOT NULL,
    CONSTRAINT "CaseChannel_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "handle" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "languages" TEXT NOT NULL DEFAULT '',
    "timeZone" TEXT,
    "coordinator" BOOLEAN NOT NULL DEFAULT false,
    "orgAdmin" BOOLEAN NOT NULL DEFAULT false,
    "lastVerifiedAt" DATETIME,
    "verification" TEXT NOT NULL DEFAULT 'pending',
    "verificationAskedAt" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "removedAt" DATETIME,
    "removedBy" TEXT,
    CONSTRAINT "Contact_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContactRole" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contactId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    CONSTRAINT "ContactRole_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChatIdentity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contactId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "workspace" TEXT NOT NULL DEFAULT '',
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "ChatIdentity_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "actorId" TEXT,
    "actor" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "caseId" TEXT,
    "result" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "receivedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seq" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "streamKey" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "dueAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "destination" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "onceKey" TEXT,
    "leaseUntil" DATETIME,
    "leaseHolder" TEXT,
    "sentAt" DATETIME,
    "sentRef" TEXT
);

-- CreateTable
CREATE TABLE "Counter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AdapterState" (
    "namespace" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("namespace", "key")
);

-- CreateTable
CREATE TABLE "SearchToken" (
    "token" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("token", "organisationId", "contactId")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reference" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "stateBeforeClarification" TEXT,
    "tlp" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "openerOrgId" TEXT NOT NULL,
    "openerContactId" TEXT NOT NULL,
    "recipientOrgId" TEXT NOT NULL,
    "responsibleContactId" TEXT,
    "summary" TEXT NOT NULL,
    "fields" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "acknowledgedAt" DATETIME,
    "resolvedAt" DATETIME,
    "closedAt" DATETIME,
    "outcome" TEXT,
    "outcomeReason" TEXT,
    "clockMode" TEXT NOT NULL,
    "ackDueAt" DATETIME,
    "resolveDueAt" DATETIME,
    "clockStartAt" DATETIME NOT NULL,
    "pauses" TEXT NOT NULL DEFAULT '[]',
    "extendedMs" INTEGER NOT NULL DEFAULT 0,
    "ackDurationMs" INTEGER NOT NULL,
    "resolveDurationMs" INTEGER,
    "updatedAt" DATETIME NOT NULL,
    "nextReminderAt" DATETIME,
    "remindedUntil" DATETIME
);

-- CreateTable
CREATE TABLE "CaseThread" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "contactId" TEXT NOT NULL DEFAULT '',
    "platform" TEXT NOT NULL,
    "workspace" TEXT NOT NULL DEFAULT '',
    "channelId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL DEFAULT '',
    "title" TEXT NOT NULL,
    CONSTRAINT "CaseThread_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CaseMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "fromThreadId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "inboundKey" TEXT NOT NULL,
    CONSTRAINT "CaseMessage_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DigestSubscription" (
    "contactId" TEXT NOT NULL PRIMARY KEY,
    "subscribed" BOOLEAN NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_slug_key" ON "Organisation"("slug");

-- CreateIndex
CREATE INDEX "Organisation_country_kind_idx" ON "Organisation"("country", "kind");

-- CreateIndex
CREATE INDEX "Organisation_kind_idx" ON "Organisation"("kind");

-- CreateIndex
CREATE INDEX "Responsibility_type_rangeStart_idx" ON "Responsibility"("type", "rangeStart");

-- CreateIndex
CREATE UNIQUE INDEX "Responsibility_organisationId_type_value_key" ON "Responsibility"("organisationId", "type", "value");

-- CreateIndex
CREATE UNIQUE INDEX "CaseChannel_organisationId_topic_key" ON "CaseChannel"("organisationId", "topic");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_handle_key" ON "Contact"("handle");

-- CreateIndex
CREATE INDEX "Contact_organisationId_idx" ON "Contact"("organisationId");

-- CreateIndex
CREATE INDEX "Contact_verification_lastVerifiedAt_idx" ON "Contact"("verification", "lastVerifiedAt");

-- CreateIndex
CREATE INDEX "ContactRole_topic_role_idx" ON "ContactRole"("topic", "role");

-- CreateIndex
CREATE UNIQUE INDEX "ContactRole_contactId_topic_key" ON "ContactRole"("contactId", "topic");

-- CreateIndex
CREATE INDEX "ChatIdentity_contactId_idx" ON "ChatIdentity"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "ChatIdentity_platform_workspace_userId_key" ON "ChatIdentity"("platform", "workspace", "userId");

-- CreateIndex
CREATE INDEX "AuditEntry_caseId_seq_idx" ON "AuditEntry"("caseId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_subjectType_subjectId_idx" ON "AuditEntry"("subjectType", "subjectId");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "InboundEvent_receivedAt_idx" ON "InboundEvent"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_seq_key" ON "OutboxMessage"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_onceKey_key" ON "OutboxMessage"("onceKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_state_dueAt_idx" ON "OutboxMessage"("state", "dueAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_streamKey_seq_idx" ON "OutboxMessage"("streamKey", "seq");

-- CreateIndex
CREATE INDEX "SearchToken_organisationId_idx" ON "SearchToken"("organisationId");

-- CreateIndex
CREATE INDEX "SearchToken_contactId_idx" ON "SearchToken"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "Case_reference_key" ON "Case"("reference");

-- CreateIndex
CREATE INDEX "Case_state_ackDueAt_idx" ON "Case"("state", "ackDueAt");

-- CreateIndex
CREATE INDEX "Case_state_resolveDueAt_idx" ON "Case"("state", "resolveDueAt");

-- CreateIndex
CREATE INDEX "Case_recipientOrgId_state_idx" ON "Case"("recipientOrgId", "state");

-- CreateIndex
CREATE INDEX "Case_openerOrgId_state_idx" ON "Case"("openerOrgId", "state");

-- CreateIndex
CREATE INDEX "Case_openedAt_idx" ON "Case"("openedAt");

-- CreateIndex
CREATE INDEX "Case_nextReminderAt_idx" ON "Case"("nextReminderAt");

-- CreateIndex
CREATE INDEX "CaseThread_platform_threadId_idx" ON "CaseThread"("platform", "threadId");

-- CreateIndex
CREATE UNIQUE INDEX "CaseThread_caseId_organisationId_kind_contactId_key" ON "CaseThread"("caseId", "organisationId", "kind", "contactId");

-- CreateIndex
CREATE UNIQUE INDEX "CaseMessage_inboundKey_key" ON "CaseMessage"("inboundKey");

-- CreateIndex
CREATE INDEX "CaseMessage_caseId_at_idx" ON "CaseMessage"("caseId", "at");

-- CreateIndex
CREATE INDEX "DigestSubscription_subscribed_idx" ON "DigestSubscription"("subscribed");
