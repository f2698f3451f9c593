-- CreateEnum
CREATE TYPE "TicketStatus" AS ENUM ('WAITING', 'MATCHED');

-- CreateEnum
CREATE TYPE "MatchStatus" AS ENUM ('PENDING', 'ACTIVE', 'FINISHED', 'CANCELLED');

-- CreateTable
CREATE TABLE "parties" (
    "id" UUID NOT NULL,
    "leader_id" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "parties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "party_members" (
    "account_id" UUID NOT NULL,
    "party_id" UUID NOT NULL,
    "ready" BOOLEAN NOT NULL DEFAULT false,
    "joined_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "party_members_pkey" PRIMARY KEY ("account_id")
);

-- CreateTable
CREATE TABLE "party_invites" (
    "party_id" UUID NOT NULL,
    "to_id" UUID NOT NULL,
    "from_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "party_invites_pkey" PRIMARY KEY ("party_id","to_id")
);

-- CreateTable
CREATE TABLE "match_tickets" (
    "id" UUID NOT NULL,
    "mode" VARCHAR(32) NOT NULL,
    "region" VARCHAR(32) NOT NULL,
    "party_id" UUID,
    "leader_id" UUID NOT NULL,
    "status" "TicketStatus" NOT NULL DEFAULT 'WAITING',
    "enqueued_at" TIMESTAMPTZ(3) NOT NULL,
    "match_id" UUID,

    CONSTRAINT "match_tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "match_ticket_players" (
    "account_id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,

    CONSTRAINT "match_ticket_players_pkey" PRIMARY KEY ("account_id")
);

-- CreateTable
CREATE TABLE "queue_leases" (
    "queue" VARCHAR(64) NOT NULL,
    "owner" VARCHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "queue_leases_pkey" PRIMARY KEY ("queue")
);

-- CreateTable
CREATE TABLE "ratings" (
    "account_id" UUID NOT NULL,
    "mode" VARCHAR(32) NOT NULL,
    "mu" DOUBLE PRECISION NOT NULL,
    "sigma" DOUBLE PRECISION NOT NULL,
    "games" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ratings_pkey" PRIMARY KEY ("account_id","mode")
);

-- CreateTable
CREATE TABLE "matches" (
    "id" UUID NOT NULL,
    "mode" VARCHAR(32) NOT NULL,
    "region" VARCHAR(32) NOT NULL,
    "status" "MatchStatus" NOT NULL,
    "quality" DOUBLE PRECISION NOT NULL,
    "room_id" VARCHAR(64),
    "winner_team" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "end_reason" VARCHAR(64),

    CONSTRAINT "matches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "match_participants" (
    "match_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "team" INTEGER NOT NULL,
    "party_id" UUID,
    "wait_seconds" DOUBLE PRECISION NOT NULL,
    "mu_before" DOUBLE PRECISION NOT NULL,
    "sigma_before" DOUBLE PRECISION NOT NULL,
    "mu_after" DOUBLE PRECISION,
    "sigma_after" DOUBLE PRECISION,
    "score" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "match_participants_pkey" PRIMARY KEY ("match_id","account_id")
);

-- CreateIndex
CREATE INDEX "party_members_party_id_idx" ON "party_members"("party_id");

-- CreateIndex
CREATE INDEX "party_invites_to_id_idx" ON "party_invites"("to_id");

-- CreateIndex
CREATE INDEX "match_tickets_mode_status_enqueued_at_idx" ON "match_tickets"("mode", "status", "enqueued_at");

-- CreateIndex
CREATE INDEX "match_tickets_match_id_idx" ON "match_tickets"("match_id");

-- CreateIndex
CREATE INDEX "match_ticket_players_ticket_id_idx" ON "match_ticket_players"("ticket_id");

-- CreateIndex
CREATE INDEX "matches_status_created_at_idx" ON "matches"("status", "created_at");

-- CreateIndex
CREATE INDEX "match_participants_account_id_idx" ON "match_participants"("account_id");

-- AddForeignKey
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_invites" ADD CONSTRAINT "party_invites_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "party_invites" ADD CONSTRAINT "party_invites_to_id_fkey" FOREIGN KEY ("to_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_ticket_players" ADD CONSTRAINT "match_ticket_players_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "match_tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_ticket_players" ADD CONSTRAINT "match_ticket_players_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_participants" ADD CONSTRAINT "match_participants_match_id_fkey" FOREIGN KEY ("match_id") REFERENCES "matches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_participants" ADD CONSTRAINT "match_participants_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
