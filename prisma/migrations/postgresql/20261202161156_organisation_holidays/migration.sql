-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "holidays" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "publicHolidays" BOOLEAN NOT NULL DEFAULT true;
