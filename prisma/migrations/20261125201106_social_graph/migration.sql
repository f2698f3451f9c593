-- CreateEnum
CREATE TYPE "PresenceStatus" AS ENUM ('ONLINE', 'AWAY', 'BUSY', 'INVISIBLE');

-- CreateEnum
CREATE TYPE "FriendState" AS ENUM ('FRIEND', 'INVITE_SENT', 'INVITE_RECEIVED', 'BLOCKED');

-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3),
ADD COLUMN     "presence_status" "PresenceStatus" NOT NULL DEFAULT 'ONLINE',
ADD COLUMN     "presence_text" VARCHAR(64);

-- CreateTable
CREATE TABLE "friend_edges" (
    "account_id" UUID NOT NULL,
    "other_id" UUID NOT NULL,
    "state" "FriendState" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "friend_edges_pkey" PRIMARY KEY ("account_id","other_id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "recipient_id" UUID NOT NULL,
    "actor_id" UUID,
    "type" VARCHAR(32) NOT NULL,
    "dedupe_key" VARCHAR(80),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "friend_edges_account_id_state_idx" ON "friend_edges"("account_id", "state");

-- CreateIndex
CREATE INDEX "friend_edges_other_id_idx" ON "friend_edges"("other_id");

-- CreateIndex
CREATE INDEX "notifications_recipient_id_created_at_id_idx" ON "notifications"("recipient_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "notifications_recipient_id_read_at_idx" ON "notifications"("recipient_id", "read_at");

-- CreateIndex
CREATE INDEX "notifications_actor_id_idx" ON "notifications"("actor_id");

-- AddForeignKey
ALTER TABLE "friend_edges" ADD CONSTRAINT "friend_edges_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "friend_edges" ADD CONSTRAINT "friend_edges_other_id_fkey" FOREIGN KEY ("other_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
