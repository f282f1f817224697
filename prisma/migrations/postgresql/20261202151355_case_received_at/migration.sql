-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "receivedAt" TIMESTAMP(3);
