-- PostgreSQL's row-level security policies change form (see the postgres
-- migration of the same number); SQLite has none. Kept so both stores
-- count the same migrations.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
