-- AlterTable
ALTER TABLE "products" ALTER COLUMN "price_cents" SET DATA TYPE BIGINT;

-- pg_trgm is a trusted contrib extension (PostgreSQL 13+): a database owner may create it. The
-- trigram GIN indexes below serve `filter.search` (ILIKE '%text%') without scanning the table.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "products_name_trgm_idx" ON "products" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "products_description_trgm_idx" ON "products" USING GIN ("description" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "products_sku_trgm_idx" ON "products" USING GIN ("sku" gin_trgm_ops);

