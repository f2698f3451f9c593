-- CreateEnum
CREATE TYPE "JoinPolicy" AS ENUM ('FRIENDS', 'ASK', 'NOBODY');

-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "join_policy" "JoinPolicy" NOT NULL DEFAULT 'ASK';

-- CreateTable
CREATE TABLE "party_join_requests" (
    "party_id" UUID NOT NULL,
    "from_id" UUID NOT NULL,
    "via_id" UUID NOT NULL,
    "from_party_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "party_join_requests_pkey" PRIMARY KEY ("party_id","from_id")
);

-- CreateIndex
CREATE INDEX "party_join_requests_from_id_idx" ON "party_join_requests"("from_id");

-- CreateIndex
CREATE INDEX "party_join_requests_expires_at_idx" ON "party_join_requests"("expires_at");

-- AddForeignKey
ALTER TABLE "party_join_requests" ADD CONSTRAINT "party_join_requests_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_join_requests" ADD CONSTRAINT "party_join_requests_from_id_fkey" FOREIGN KEY ("from_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_join_requests" ADD CONSTRAINT "party_join_requests_via_id_fkey" FOREIGN KEY ("via_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
