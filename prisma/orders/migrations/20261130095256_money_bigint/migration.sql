-- AlterTable
ALTER TABLE "catalog_products" ALTER COLUMN "price_cents" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "order_items" ALTER COLUMN "unit_price_cents" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "orders" ALTER COLUMN "total_cents" SET DATA TYPE BIGINT;

