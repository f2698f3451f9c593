-- CreateEnum
CREATE TYPE "SanctionKind" AS ENUM ('BAN');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AccountRole" ADD VALUE 'VIEWER';
ALTER TYPE "AccountRole" ADD VALUE 'MODERATOR';

-- CreateTable
CREATE TABLE "account_sanctions" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "kind" "SanctionKind" NOT NULL,
    "reason" VARCHAR(500) NOT NULL,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" UUID,

    CONSTRAINT "account_sanctions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "operator_id" UUID NOT NULL,
    "action" VARCHAR(32) NOT NULL,
    "target_type" VARCHAR(32) NOT NULL,
    "target_id" VARCHAR(96) NOT NULL,
    "reason" VARCHAR(500),
    "details" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "account_sanctions_account_id_kind_revoked_at_idx" ON "account_sanctions"("account_id", "kind", "revoked_at");

-- CreateIndex
CREATE INDEX "audit_log_created_at_id_idx" ON "audit_log"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_idx" ON "audit_log"("target_type", "target_id");

-- AddForeignKey
ALTER TABLE "account_sanctions" ADD CONSTRAINT "account_sanctions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
