-- Runs once, when the dev PostgreSQL initializes an empty data directory: the four service databases.
-- Their schemas come from the migration Jobs, as in production.
CREATE DATABASE commerce_users;
CREATE DATABASE commerce_products;
CREATE DATABASE commerce_reviews;
CREATE DATABASE commerce_orders;
