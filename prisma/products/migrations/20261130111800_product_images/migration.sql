-- AlterTable
ALTER TABLE "products" ADD COLUMN     "images" JSONB NOT NULL DEFAULT '[]';

