-- AlterEnum
ALTER TYPE "AccountRole" ADD VALUE 'ADMIN';

-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "operator_token_version" INTEGER NOT NULL DEFAULT 0;
