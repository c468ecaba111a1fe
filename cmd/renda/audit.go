package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/tenants"
)

// newAuditCmd returns `renda audit`.
func newAuditCmd(cfg *config) *cobra.Command {
	return group("audit", "Check the audit log", newAuditVerifyCmd(cfg))
}

func newAuditVerifyCmd(cfg *config) *cobra.Command {
	var slug string
	c := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the hash chain of one congress's audit log, or of every congress's",
		Long: "verify recomputes each congress's audit hash chain and prints OK or BROKEN per congress.\n" +
			"It exits with status 1 if any chain is broken: an entry was altered, removed or inserted.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				var ts []*tenants.Tenant
				if slug != "" {
					t, err := tenantBySlug(ctx, db, slug)
					if err != nil {
						return err
					}
					ts = append(ts, t)
				} else {
					all, err := db.ListTenants(ctx)
					if err != nil {
						return err
					}
					ts = all
				}
				return verifyAudit(ctx, cmd, db, ts)
			})
		},
	}
	c.Flags().StringVar(&slug, "tenant", "", "slug of the congress to check (default every congress)")
	return c
}

// verifyAudit checks the chain of each tenant in its home scope, prints a
// line per tenant, and fails if any chain is broken.
func verifyAudit(ctx context.Context, cmd *cobra.Command, db *store.DB, ts []*tenants.Tenant) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RESULT\tCONGRESS\tENTRIES\tPROBLEM")
	broken := 0
	for _, t := range ts {
		v, err := db.VerifyAudit(tenants.WithScope(ctx, tenants.Home(t)), t.ID)
		if err != nil {
			tw.Flush()
			return fmt.Errorf("verify audit of %s: %w", t.Slug, err)
		}
		if v.OK {
			fmt.Fprintf(tw, "OK\t%s\t%d\t-\n", t.Slug, v.Entries)
			continue
		}
		broken++
		fmt.Fprintf(tw, "BROKEN\t%s\t%d\t%s\n", t.Slug, v.Entries, v.Problem)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if broken > 0 {
		return fmt.Errorf("the audit chain of %d of %d congresses is broken", broken, len(ts))
	}
	return nil
}
