-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "designations" TEXT NOT NULL DEFAULT '';
