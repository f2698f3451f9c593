-- CreateTable
CREATE TABLE "party_join_codes" (
    "code" VARCHAR(16) NOT NULL,
    "party_id" UUID NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "party_join_codes_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE UNIQUE INDEX "party_join_codes_party_id_key" ON "party_join_codes"("party_id");

-- AddForeignKey
ALTER TABLE "party_join_codes" ADD CONSTRAINT "party_join_codes_party_id_fkey" FOREIGN KEY ("party_id") REFERENCES "parties"("id") ON DELETE CASCADE ON UPDATE CASCADE;
