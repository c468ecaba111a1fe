-- Row-level security with the tenant functions called once per query, not
-- once per row. Written as renda_read_tenants() the policy is inlined and
-- re-evaluated for every row the executor checks (string_to_array and a
-- uuid cast over every readable tenant); with both policies applying to a
-- SELECT (read OR write) no index condition can take it out, and a city
-- counting 100,000 documents across 100 districts took seconds. As a
-- scalar subquery it becomes an InitPlan: evaluated once, then a plain
-- parameter. The rules themselves do not change. Every later tenant table
-- must write its policies this way (TestRLSHoldsOnItsOwn checks).

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'tenant_read' LOOP
    EXECUTE format('ALTER POLICY tenant_read ON %I USING (tenant_id = ANY ((SELECT renda_read_tenants())::uuid[]))', t);
  END LOOP;
  FOR t IN SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'tenant_write' LOOP
    EXECUTE format('ALTER POLICY tenant_write ON %I USING (tenant_id = (SELECT renda_write_tenant())) WITH CHECK (tenant_id = (SELECT renda_write_tenant()))', t);
  END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'tenant_read' LOOP
    EXECUTE format('ALTER POLICY tenant_read ON %I USING (tenant_id = ANY (renda_read_tenants()))', t);
  END LOOP;
  FOR t IN SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'tenant_write' LOOP
    EXECUTE format('ALTER POLICY tenant_write ON %I USING (tenant_id = renda_write_tenant()) WITH CHECK (tenant_id = renda_write_tenant())', t);
  END LOOP;
END $$;
-- +goose StatementEnd
