-- AlterTable
ALTER TABLE "users" ALTER COLUMN "lifetime_spend_cents" SET DATA TYPE BIGINT;

