-- CreateTable
CREATE TABLE "AdapterRecord" (
    "namespace" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "value" BYTEA NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdapterRecord_pkey" PRIMARY KEY ("namespace","id")
);
