-- AlterTable
ALTER TABLE "Case" ADD COLUMN "receivedAt" DATETIME;
