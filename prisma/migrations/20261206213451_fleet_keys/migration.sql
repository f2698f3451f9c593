-- CreateTable
CREATE TABLE "fleet_keys" (
    "id" UUID NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "prefix" VARCHAR(12) NOT NULL,
    "secret_hash" CHAR(64) NOT NULL,
    "modes" VARCHAR(32)[],
    "regions" VARCHAR(32)[],
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "fleet_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "fleet_keys_secret_hash_key" ON "fleet_keys"("secret_hash");

-- CreateIndex
CREATE INDEX "fleet_keys_created_at_id_idx" ON "fleet_keys"("created_at" DESC, "id" DESC);
