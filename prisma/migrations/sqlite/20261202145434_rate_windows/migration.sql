-- CreateTable
CREATE TABLE "RateWindow" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "windowStartAt" DATETIME NOT NULL,
    "count" INTEGER NOT NULL,
    "refused" INTEGER NOT NULL,
    "lastRefused" INTEGER NOT NULL
);
