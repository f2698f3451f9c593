-- AlterTable: every existing account starts with its username as its display name.
ALTER TABLE "accounts" ADD COLUMN "display_name" VARCHAR(32);
UPDATE "accounts" SET "display_name" = "username";
ALTER TABLE "accounts" ALTER COLUMN "display_name" SET NOT NULL;
