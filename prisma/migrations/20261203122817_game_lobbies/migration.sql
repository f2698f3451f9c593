-- CreateEnum
CREATE TYPE "GameLobbyVisibility" AS ENUM ('PUBLIC', 'PRIVATE');

-- AlterTable
ALTER TABLE "matches" ADD COLUMN     "lobby_id" UUID,
ADD COLUMN     "rated" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "game_lobbies" (
    "id" UUID NOT NULL,
    "name" VARCHAR(40) NOT NULL,
    "mode" VARCHAR(32) NOT NULL,
    "region" VARCHAR(32) NOT NULL,
    "host_id" UUID NOT NULL,
    "visibility" "GameLobbyVisibility" NOT NULL,
    "code" VARCHAR(8) NOT NULL,
    "password_hash" TEXT,
    "team_count" INTEGER NOT NULL,
    "team_size" INTEGER NOT NULL,
    "require_full_teams" BOOLEAN NOT NULL,
    "settings" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "game_lobbies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "game_lobby_members" (
    "account_id" UUID NOT NULL,
    "lobby_id" UUID NOT NULL,
    "team" INTEGER NOT NULL,
    "slot" INTEGER NOT NULL,
    "ready" BOOLEAN NOT NULL DEFAULT false,
    "joined_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "game_lobby_members_pkey" PRIMARY KEY ("account_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "game_lobbies_code_key" ON "game_lobbies"("code");

-- CreateIndex
CREATE INDEX "game_lobbies_visibility_created_at_id_idx" ON "game_lobbies"("visibility", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "game_lobby_members_lobby_id_team_slot_key" ON "game_lobby_members"("lobby_id", "team", "slot");

-- AddForeignKey
ALTER TABLE "game_lobbies" ADD CONSTRAINT "game_lobbies_host_id_fkey" FOREIGN KEY ("host_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "game_lobby_members" ADD CONSTRAINT "game_lobby_members_lobby_id_fkey" FOREIGN KEY ("lobby_id") REFERENCES "game_lobbies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "game_lobby_members" ADD CONSTRAINT "game_lobby_members_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
