-- CreateEnum
CREATE TYPE "DmPolicy" AS ENUM ('FRIENDS', 'ANYONE');

-- CreateEnum
CREATE TYPE "ChannelKind" AS ENUM ('PUBLIC', 'DM', 'PARTY');

-- CreateEnum
CREATE TYPE "MuteSource" AS ENUM ('AUTO', 'OPERATOR');

-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "dm_policy" "DmPolicy" NOT NULL DEFAULT 'FRIENDS';

-- CreateTable
CREATE TABLE "chat_channels" (
    "id" VARCHAR(96) NOT NULL,
    "kind" "ChannelKind" NOT NULL,
    "last_seq" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chat_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_channel_members" (
    "channel_id" VARCHAR(96) NOT NULL,
    "account_id" UUID NOT NULL,
    "last_read_seq" BIGINT NOT NULL DEFAULT 0,
    "joined_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chat_channel_members_pkey" PRIMARY KEY ("channel_id","account_id")
);

-- CreateTable
CREATE TABLE "chat_messages" (
    "id" BIGSERIAL NOT NULL,
    "channel_id" VARCHAR(96) NOT NULL,
    "seq" BIGINT NOT NULL,
    "sender_id" UUID NOT NULL,
    "body" VARCHAR(500) NOT NULL,
    "original_body" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    "deleted_by" UUID,
    "delete_reason" VARCHAR(500),

    CONSTRAINT "chat_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_reports" (
    "id" UUID NOT NULL,
    "message_id" BIGINT NOT NULL,
    "reporter_id" UUID NOT NULL,
    "reason" VARCHAR(32) NOT NULL,
    "note" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" UUID,

    CONSTRAINT "chat_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_mutes" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "source" "MuteSource" NOT NULL,
    "reason" VARCHAR(500) NOT NULL,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "chat_mutes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "chat_channel_members_account_id_idx" ON "chat_channel_members"("account_id");

-- CreateIndex
CREATE INDEX "chat_messages_sender_id_idx" ON "chat_messages"("sender_id");

-- CreateIndex
CREATE INDEX "chat_messages_created_at_idx" ON "chat_messages"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "chat_messages_channel_id_seq_key" ON "chat_messages"("channel_id", "seq");

-- CreateIndex
CREATE INDEX "chat_reports_resolved_at_created_at_idx" ON "chat_reports"("resolved_at", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "chat_reports_message_id_reporter_id_key" ON "chat_reports"("message_id", "reporter_id");

-- CreateIndex
CREATE INDEX "chat_mutes_account_id_expires_at_idx" ON "chat_mutes"("account_id", "expires_at");

-- AddForeignKey
ALTER TABLE "chat_channel_members" ADD CONSTRAINT "chat_channel_members_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "chat_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_channel_members" ADD CONSTRAINT "chat_channel_members_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "chat_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_sender_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_reports" ADD CONSTRAINT "chat_reports_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "chat_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_reports" ADD CONSTRAINT "chat_reports_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_mutes" ADD CONSTRAINT "chat_mutes_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
