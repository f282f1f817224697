-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Organisation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "jurisdictions" TEXT NOT NULL DEFAULT '',
    "designations" TEXT NOT NULL DEFAULT '',
    "languages" TEXT NOT NULL DEFAULT '',
    "timeZone" TEXT NOT NULL,
    "workingHours" TEXT NOT NULL,
    "holidays" TEXT NOT NULL DEFAULT '',
    "publicHolidays" BOOLEAN NOT NULL DEFAULT true,
    "emergency24x7" BOOLEAN NOT NULL DEFAULT false,
    "abuseContact" TEXT,
    "legalPointOfContact" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "removedAt" DATETIME,
    "removedBy" TEXT
);
INSERT INTO "new_Organisation" ("abuseContact", "country", "createdAt", "designations", "emergency24x7", "id", "jurisdictions", "kind", "languages", "legalPointOfContact", "name", "removedAt", "removedBy", "slug", "timeZone", "updatedAt", "workingHours") SELECT "abuseContact", "country", "createdAt", "designations", "emergency24x7", "id", "jurisdictions", "kind", "languages", "legalPointOfContact", "name", "removedAt", "removedBy", "slug", "timeZone", "updatedAt", "workingHours" FROM "Organisation";
DROP TABLE "Organisation";
ALTER TABLE "new_Organisation" RENAME TO "Organisation";
CREATE UNIQUE INDEX "Organisation_slug_key" ON "Organisation"("slug");
CREATE INDEX "Organisation_country_kind_idx" ON "Organisation"("country", "kind");
CREATE INDEX "Organisation_kind_idx" ON "Organisation"("kind");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
