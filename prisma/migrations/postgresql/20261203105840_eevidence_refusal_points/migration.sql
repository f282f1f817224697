-- AlterTable
ALTER TABLE "EvidenceOrder" ADD COLUMN     "enforcingRefusalPoints" TEXT;
