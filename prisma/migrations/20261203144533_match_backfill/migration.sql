-- CreateEnum
CREATE TYPE "BackfillStatus" AS ENUM ('OPEN', 'FILLED', 'JOINED', 'CANCELLED');

-- AlterTable
ALTER TABLE "match_participants" ADD COLUMN     "backfill_for" UUID,
ADD COLUMN     "joined_at" TIMESTAMPTZ(3),
ADD COLUMN     "left_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "match_backfills" (
    "id" UUID NOT NULL,
    "match_id" UUID NOT NULL,
    "team" INTEGER NOT NULL,
    "replaces" UUID NOT NULL,
    "status" "BackfillStatus" NOT NULL,
    "account_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "filled_at" TIMESTAMPTZ(3),

    CONSTRAINT "match_backfills_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "match_backfills_status_idx" ON "match_backfills"("status");

-- CreateIndex
CREATE INDEX "match_backfills_match_id_idx" ON "match_backfills"("match_id");

-- AddForeignKey
ALTER TABLE "match_backfills" ADD CONSTRAINT "match_backfills_match_id_fkey" FOREIGN KEY ("match_id") REFERENCES "matches"("id") ON DELETE CASCADE ON UPDATE CASCADE;
