package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/tenants"
)

// The benchmarks run on PostgreSQL, the production store, through the whole
// fiber stack (app.Test: no network, but every middleware, the database
// round trips and the JSON encoding). Each reports req/s for one client
// calling in a loop; the _parallel variants use GOMAXPROCS clients.

// within returns a copy of e that reports to b (sub-benchmarks run on
// their own goroutine and must not fail the parent's b).
func within(b *testing.B, e *apitest.Env) *apitest.Env {
	c := *e
	c.T = b
	return &c
}

// benchGET calls path in a loop and reports req/s.
func benchGET(b *testing.B, e *apitest.Env, path, token string) {
	e = within(b, e)
	n := 0
	for b.Loop() {
		if r := e.Do(http.MethodGet, path, token, nil); r.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path, r.Code, r.Body)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "req/s")
}

// benchGETParallel calls path from GOMAXPROCS goroutines and reports req/s.
func benchGETParallel(b *testing.B, e *apitest.Env, path, token string) {
	var n, failed atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := e.Server.App().Test(req, -1)
			if err != nil || resp.StatusCode != http.StatusOK {
				failed.Add(1)
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			n.Add(1)
		}
	})
	if f := failed.Load(); f > 0 {
		b.Fatalf("GET %s: %d requests failed", path, f)
	}
	b.ReportMetric(float64(n.Load())/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkAuthorize measures the permission check: the cached casbin
// enforcer on its own, and two otherwise similar routes end to end.
func BenchmarkAuthorize(b *testing.B) {
	e := apitest.New(b, store.Postgres)
	ctx := context.Background()
	haishu := e.Tenants["haishu"]
	staff, deputy := e.Users["haishu/staff"].ID, e.Users["haishu/deputy"].ID
	read := core.Permission{Object: core.ObjTenant, Action: core.ActRead}
	write := core.Permission{Object: core.ObjDeputies, Action: core.ActWrite}
	enforce := func(userID string, perm core.Permission, want bool) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				ok, err := e.Authz.Enforce(ctx, userID, haishu, perm)
				if err != nil || ok != want {
					b.Fatalf("Enforce(%s) = %v, %v; want %v", perm, ok, err, want)
				}
			}
		}
	}
	b.Run("enforce_allow", enforce(staff, read, true))
	b.Run("enforce_deny", enforce(deputy, write, false))
	// After a role edit bumps the tenant's policy version, the next check on
	// each server reloads the tenant's rules from the database.
	b.Run("enforce_reload", func(b *testing.B) {
		t := *haishu
		for b.Loop() {
			t.PolicyVersion++
			if ok, err := e.Authz.Enforce(ctx, staff, &t, read); err != nil || !ok {
				b.Fatalf("Enforce after reload = %v, %v; want true", ok, err)
			}
		}
	})
	tok := e.Tokens["haishu/staff"]
	b.Run("http_healthz_public", func(b *testing.B) { benchGET(b, e, "/healthz", "") })
	b.Run("http_me_signed_in", func(b *testing.B) { benchGET(b, e, "/api/v1/t/haishu/auth/me", tok) })
	b.Run("http_tenant_perm", func(b *testing.B) { benchGET(b, e, "/api/v1/t/haishu", tok) })
}

// Common surnames and given-name characters for realistic deputy names.
var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建国志华海燕玉红梅文斌晓东春丹鹏飞宇浩然思雨欣怡佳琪子涵博俊凯晨阳慧颖婷雪琳")
	jobs     = []string{"教师", "医生", "村党支部书记", "企业负责人", "社区主任", "农民", "律师", "工程师", "个体工商户", "街道干部"}
)

// seedDeputies adds n deputies to the tenant in one transaction.
func seedDeputies(b *testing.B, e *apitest.Env, t *tenants.Tenant, n int) {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	ctx := tenants.WithScope(context.Background(), tenants.Home(t))
	err := e.DB.InTx(ctx, func(ctx context.Context) error {
		for i := range n {
			name := []rune{surnames[r.IntN(len(surnames))], given[r.IntN(len(given))]}
			if r.IntN(3) > 0 {
				name = append(name, given[r.IntN(len(given))])
			}
			gender := []string{"male", "female"}[r.IntN(2)]
			_, err := e.DB.CreateDeputy(ctx, core.DeputyInput{
				Name: string(name), Gender: gender, Level: "district", Delegation: "海曙区代表团",
				Constituency: fmt.Sprintf("第%d选区", i%40+1), Term: "第十七届", Occupation: jobs[i%len(jobs)],
				Phone: fmt.Sprintf("138%08d", i), Status: core.DeputyActive,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed deputies: %v", err)
	}
	// Measure the steady state: right after a bulk load, before autovacuum
	// has analyzed the table, the planner sorts the whole tenant for every
	// page (about 5 ms instead of 0.1 ms at 8,000 rows).
	owner, err := sql.Open("pgx", e.DB.OwnerURL)
	if err != nil {
		b.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Exec("ANALYZE deputies, deputy_photos"); err != nil {
		b.Fatalf("analyze: %v", err)
	}
}

// BenchmarkListDeputies8000 lists the deputies of a district holding 8,000:
// the first page, a page 100 pages deep, and a search by surname.
func BenchmarkListDeputies8000(b *testing.B) {
	e := apitest.New(b, store.Postgres)
	seedDeputies(b, e, e.Tenants["haishu"], 8000)
	tok := e.Tokens["haishu/staff"]
	const first = "/api/v1/t/haishu/deputies?limit=50"
	cursor := ""
	for range 100 {
		var page api.PageJSON[api.DeputyJSON]
		e.Do(http.MethodGet, first+"&cursor="+cursor, tok, nil).JSON(b, &page)
		if len(page.Items) != 50 || page.NextCursor == "" {
			b.Fatalf("walking pages: got %d items, cursor %q", len(page.Items), page.NextCursor)
		}
		cursor = page.NextCursor
	}
	deep := first + "&cursor=" + cursor
	search := first + "&q=" + url.QueryEscape("王")
	var hits api.PageJSON[api.DeputyJSON]
	e.Do(http.MethodGet, search, tok, nil).JSON(b, &hits)
	if len(hits.Items) == 0 || !strings.HasPrefix(hits.Items[0].Name, "王") {
		b.Fatalf("search found %d deputies", len(hits.Items))
	}
	b.Logf("search q=王: %d deputies on the first page", len(hits.Items))
	b.Run("first_page", func(b *testing.B) { benchGET(b, e, first, tok) })
	b.Run("page_101", func(b *testing.B) { benchGET(b, e, deep, tok) })
	b.Run("search_surname", func(b *testing.B) { benchGET(b, e, search, tok) })
	b.Run("first_page_parallel", func(b *testing.B) { benchGETParallel(b, e, first, tok) })
}

// BenchmarkLogin signs in through the API against a password hashed with
// the production argon2id parameters (password.Default), not the fast
// test ones the other accounts use.
func BenchmarkLogin(b *testing.B) {
	e := apitest.New(b, store.Postgres)
	ctx := context.Background()
	prod, err := store.Open(ctx, store.Config{URL: e.DB.AppURL})
	if err != nil {
		b.Fatal(err)
	}
	defer prod.Close()
	home := tenants.WithScope(ctx, tenants.Home(e.Tenants["haishu"]))
	u, err := prod.CreateUser(home, core.UserCreate{Username: "bench-login", DisplayName: "压测账号", Password: apitest.Password})
	if err != nil {
		b.Fatal(err)
	}
	owner, err := sql.Open("pgx", e.DB.OwnerURL)
	if err != nil {
		b.Fatal(err)
	}
	defer owner.Close()
	var hash string
	if err := owner.QueryRow("SELECT password_hash FROM users WHERE id = $1", u.ID).Scan(&hash); err != nil {
		b.Fatal(err)
	}
	if !strings.Contains(hash, "$m=19456,t=2,p=1$") {
		b.Fatalf("hash %q does not use the default argon2id parameters", hash)
	}
	body := map[string]string{"username": "bench-login", "password": apitest.Password}
	n := 0
	for b.Loop() {
		if r := e.Do(http.MethodPost, "/api/v1/t/haishu/auth/login", "", body); r.Code != http.StatusOK {
			b.Fatalf("login: %d %s", r.Code, r.Body)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "req/s")
}
