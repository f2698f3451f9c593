-- CreateEnum
CREATE TYPE "GameServerState" AS ENUM ('ACTIVE', 'DRAINING');

-- CreateTable
CREATE TABLE "game_servers" (
    "id" UUID NOT NULL,
    "key_id" UUID NOT NULL,
    "address" VARCHAR(255) NOT NULL,
    "region" VARCHAR(32) NOT NULL,
    "modes" VARCHAR(32)[],
    "capacity" INTEGER NOT NULL,
    "load" INTEGER NOT NULL DEFAULT 0,
    "version" VARCHAR(64) NOT NULL,
    "state" "GameServerState" NOT NULL DEFAULT 'ACTIVE',
    "registered_at" TIMESTAMPTZ(3) NOT NULL,
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "game_servers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "game_servers_region_state_idx" ON "game_servers"("region", "state");

-- CreateIndex
CREATE INDEX "game_servers_key_id_idx" ON "game_servers"("key_id");
