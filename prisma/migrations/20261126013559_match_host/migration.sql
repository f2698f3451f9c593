-- AlterTable
ALTER TABLE "matches" ADD COLUMN     "host_process" VARCHAR(128);
