-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "guest" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "device_credentials" (
    "id_hash" CHAR(64) NOT NULL,
    "account_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "device_credentials_pkey" PRIMARY KEY ("id_hash")
);

-- CreateIndex
CREATE INDEX "device_credentials_account_id_idx" ON "device_credentials"("account_id");

-- AddForeignKey
ALTER TABLE "device_credentials" ADD CONSTRAINT "device_credentials_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
