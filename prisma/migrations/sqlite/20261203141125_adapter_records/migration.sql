-- CreateTable
CREATE TABLE "AdapterRecord" (
    "namespace" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "value" BLOB NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("namespace", "id")
);
