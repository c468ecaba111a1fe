package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/authz"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/tenants"
)

// demoPassword is the password of every demo account. It is printed, and
// it is meant to be: the demo is for trying Renda out, not for production.
const demoPassword = "Renda@2026demo"

// demoBatch is how many deputies are created per transaction.
const demoBatch = 500

// newSeedCmd returns `renda seed`.
func newSeedCmd(cfg *config) *cobra.Command {
	return group("seed", "Fill the database with demo data", newSeedDemoCmd(cfg))
}

func newSeedDemoCmd(cfg *config) *cobra.Command {
	var extra int
	c := &cobra.Command{
		Use:   "demo",
		Short: "Create the Ningbo demo: congresses, deputies and accounts",
		Long: "demo creates the city congress of Ningbo with three districts and a subdistrict, about\n" +
			"180 deputies, and an administrator, staff and deputy account in each congress, then prints\n" +
			"the accounts with their password. It refuses to run twice on one database.\n" +
			"--deputies adds that many more city deputies, for load tests.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if extra < 0 {
				return usagef("--deputies must not be negative")
			}
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				return seedDemoWith(ctx, db, cmd.OutOrStdout(), extra)
			})
		},
	}
	c.Flags().IntVar(&extra, "deputies", 0, "extra city deputies to create (e.g. 8000 for a load test)")
	return c
}

// demoSeeded reports whether the demo's city congress exists.
func demoSeeded(ctx context.Context, db *store.DB) (bool, error) {
	_, err := db.TenantBySlug(ctx, demoCongresses()[0].slug)
	switch {
	case err == nil:
		return true, nil
	case core.IsNotFound(err):
		return false, nil
	}
	return false, err
}

// seedDemo creates the demo data and prints the accounts to w.
func seedDemo(ctx context.Context, db *store.DB, w io.Writer) error {
	return seedDemoWith(ctx, db, w, 0)
}

// seedDemoWith is seedDemo with extra generated city deputies. It refuses
// if the demo's city exists. The demo itself is made in one transaction, so
// a failure leaves nothing behind; the extra deputies follow in batches of
// their own, so thousands take seconds.
func seedDemoWith(ctx context.Context, db *store.DB, w io.Writer, extra int) error {
	seeded, err := demoSeeded(ctx, db)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	if seeded {
		return errors.New("seed demo: congress ningbo exists, so the demo is already seeded; seed a fresh database instead")
	}
	start := time.Now()
	s, err := newSeeder(db)
	if err != nil {
		return err
	}
	if err := db.InTx(ctx, s.run); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	if err := s.extraDeputies(ctx, extra); err != nil {
		return fmt.Errorf("seed demo: the demo is made, but not every extra deputy: %w", err)
	}
	return s.report(ctx, w, time.Since(start))
}

// seeder creates the demo, remembering what it made for the report.
type seeder struct {
	db       *store.DB
	az       *authz.Authorizer
	rng      *rand.Rand
	tenants  map[string]*tenants.Tenant
	deputies map[string]int
	accounts []demoAccount
}

func newSeeder(db *store.DB) (*seeder, error) {
	az, err := authz.New(db.Conn, db, core.CorePermissions)
	if err != nil {
		return nil, err
	}
	// A constant seed: every demo database has the same deputies.
	return &seeder{db: db, az: az, rng: rand.New(rand.NewPCG(2021, 725)),
		tenants: map[string]*tenants.Tenant{}, deputies: map[string]int{}}, nil
}

// run creates the congresses, their deputies and their accounts.
func (s *seeder) run(ctx context.Context) error {
	congresses := demoCongresses()
	for _, c := range congresses {
		t, err := s.db.CreateTenant(ctx, core.TenantCreate{Slug: c.slug, Level: c.level, ParentSlug: c.parent,
			DivisionCode: c.code, NameZH: c.zh, NameEN: c.en})
		if err != nil {
			return fmt.Errorf("create congress %s: %w", c.slug, err)
		}
		s.tenants[c.slug] = t
	}
	for _, c := range congresses {
		if err := s.populate(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// extraDeputies adds n generated deputies to the city.
func (s *seeder) extraDeputies(ctx context.Context, n int) error {
	city := demoCongresses()[0]
	in := make([]core.DeputyInput, n)
	for i := range in {
		in[i] = s.deputy(city)
	}
	ids, err := s.createDeputies(ctx, s.tenants[city.slug], in)
	if err != nil {
		return fmt.Errorf("%d of %d made: %w", len(ids), n, err)
	}
	return nil
}

// populate creates a congress's deputies, then its accounts; the deputy
// account belongs to the first deputy.
func (s *seeder) populate(ctx context.Context, c demoCongress) error {
	t := s.tenants[c.slug]
	var in []core.DeputyInput
	if c.deputies > 0 {
		in = append(in, c.named.input)
		for range c.deputies - 1 {
			in = append(in, s.deputy(c))
		}
	}
	for _, a := range c.accounts {
		if a.isDeputy {
			in[a.deputy].Status = core.DeputyActive // seated, so the account can vote
		}
	}
	ids, err := s.createDeputies(ctx, t, in)
	if err != nil {
		return err
	}
	for _, a := range c.accounts {
		if a.isDeputy && a.name == "" {
			a.name = in[a.deputy].Name
		}
		acc := account{
			UserCreate: core.UserCreate{Username: a.username, DisplayName: a.name, Password: demoPassword},
			Roles:      a.roles, PlatformAdmin: a.platformAdmin,
		}
		if a.isDeputy {
			acc.DeputyID = ids[a.deputy]
		}
		if _, err := createAccount(ctx, s.db, s.az, t, acc); err != nil {
			return err
		}
		a.slug = c.slug
		s.accounts = append(s.accounts, a)
	}
	return nil
}

// createDeputies creates deputies in t in batches, a transaction each (or
// within the caller's), so that thousands take seconds. It returns the ids
// of the batches it committed, in order.
func (s *seeder) createDeputies(ctx context.Context, t *tenants.Tenant, in []core.DeputyInput) ([]string, error) {
	ctx = tenants.WithScope(ctx, tenants.Home(t))
	ids := make([]string, 0, len(in))
	for start := 0; start < len(in); start += demoBatch {
		batch := make([]string, 0, demoBatch)
		err := s.db.InTx(ctx, func(ctx context.Context) error {
			for _, d := range in[start:min(start+demoBatch, len(in))] {
				got, err := s.db.CreateDeputy(ctx, d)
				if err != nil {
					return fmt.Errorf("create deputy %s in %s: %w", d.Name, t.Slug, err)
				}
				batch = append(batch, got.ID)
			}
			return nil
		})
		if err != nil {
			return ids, err
		}
		ids = append(ids, batch...)
		s.deputies[t.Slug] += len(batch)
	}
	return ids, nil
}

// report prints the congresses, the deputy counts and, as a Markdown table
// the README can copy, every account with its password.
func (s *seeder) report(ctx context.Context, w io.Writer, took time.Duration) error {
	ts, err := s.db.ListTenants(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Seeded the Ningbo demo in %s.\n\n", took.Round(time.Millisecond))
	if err := writeTenants(w, ts); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nDeputies:")
	for _, c := range demoCongresses() {
		if n := s.deputies[c.slug]; n > 0 {
			fmt.Fprintf(w, "  %-9s %d\n", c.slug, n)
		}
	}
	fmt.Fprintf(w, "\nDemo accounts (every password is %s):\n\n", demoPassword)
	fmt.Fprintln(w, "| Congress | Username | Name | Roles | Password |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, a := range s.accounts {
		roles := slices.Clone(a.roles)
		if a.platformAdmin {
			roles = append(roles, core.RolePlatformAdmin)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", a.slug, a.username, a.name, listOrNone(roles), demoPassword)
	}
	return nil
}

// deputy generates a plausible deputy of congress c: a common surname and
// given name, the gender the name suggests, mostly active.
func (s *seeder) deputy(c demoCongress) core.DeputyInput {
	r := s.rng
	gender, given := "male", maleGivenNames()
	if r.IntN(100) < 30 { // about three in ten deputies are women
		gender, given = "female", femaleGivenNames()
	}
	d := core.DeputyInput{
		Name:       pick(r, commonSurnames()) + pick(r, given),
		Gender:     gender,
		Level:      string(c.level),
		Term:       c.term,
		Delegation: pick(r, c.delegations),
		Occupation: pick(r, occupations()),
		Phone:      fmt.Sprintf("13%09d", r.IntN(1_000_000_000)),
		Status:     core.DeputyActive,
	}
	// District deputies are elected directly, in constituencies; city
	// deputies are elected by the district congresses and have none.
	if c.level == tenants.LevelDistrict {
		d.Constituency = fmt.Sprintf("第%d选区", 1+r.IntN(c.deputies/2))
	}
	switch n := r.IntN(100); {
	case n < 3:
		d.Status = core.DeputySuspended
	case n < 5:
		d.Status = core.DeputyTerminated
	}
	return d
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// demoAccount is one account of the demo.
type demoAccount struct {
	slug, username, name string
	roles                []string
	platformAdmin        bool
	isDeputy             bool // linked to one of the congress's deputies:
	deputy               int  // which (0 is the named deputy); the name is the deputy's when empty
}

// namedDeputy is the deputy behind a congress's deputy account.
type namedDeputy struct{ input core.DeputyInput }

// demoCongress is one congress of the demo.
type demoCongress struct {
	slug, parent, code string
	level              tenants.Level
	zh, en             string
	term               string   // 届次 of the congress now sitting
	delegations        []string // 代表团 its deputies sit in
	deputies           int
	named              namedDeputy
	accounts           []demoAccount
}

func demoCongresses() []demoCongress {
	deputyAccount := func(username, name string) demoAccount {
		return demoAccount{username: username, name: name, roles: []string{core.RoleDeputy}, isDeputy: true}
	}
	voterAccount := func(username string, deputy int) demoAccount {
		return demoAccount{username: username, roles: []string{core.RoleDeputy}, isDeputy: true, deputy: deputy}
	}
	staff := func(slug, admin, staffer string) []demoAccount {
		return []demoAccount{
			{username: slug + "-admin", name: admin, roles: []string{core.RoleTenantAdmin}},
			{username: slug + "-staff", name: staffer, roles: []string{core.RoleStaff}},
		}
	}
	named := func(name, gender, level, delegation, constituency, term, occupation, phone string) namedDeputy {
		return namedDeputy{core.DeputyInput{Name: name, Gender: gender, Level: level, Delegation: delegation,
			Constituency: constituency, Term: term, Occupation: occupation, Phone: phone, Status: core.DeputyActive}}
	}
	const cityTerm, districtTerm = "第十六届", "第十七届"
	return []demoCongress{{
		slug: "ningbo", code: "330200", level: tenants.LevelCity, term: cityTerm,
		zh: "宁波市人大常委会", en: "Ningbo Municipal People's Congress Standing Committee",
		delegations: []string{"海曙区代表团", "江北区代表团", "镇海区代表团", "北仑区代表团", "鄞州区代表团",
			"奉化区代表团", "余姚市代表团", "慈溪市代表团", "宁海县代表团", "象山县代表团"},
		deputies: 60,
		named:    named("王建国", "male", "city", "海曙区代表团", "", cityTerm, "社区党委书记", "13805740001"),
		accounts: append([]demoAccount{
			{username: "admin", name: "周志明", roles: []string{core.RoleTenantAdmin}, platformAdmin: true},
			{username: "ningbo-staff", name: "孙丽华", roles: []string{core.RoleStaff}},
		}, deputyAccount("wangjianguo", "王建国")),
	}, {
		slug: "haishu", parent: "ningbo", code: "330203", level: tenants.LevelDistrict, term: districtTerm,
		zh: "海曙区人大常委会", en: "Haishu District People's Congress Standing Committee",
		delegations: []string{"鼓楼街道代表团", "南门街道代表团", "西门街道代表团", "江厦街道代表团", "白云街道代表团",
			"段塘街道代表团", "望春街道代表团", "石碶街道代表团", "集士港镇代表团", "古林镇代表团", "高桥镇代表团", "横街镇代表团"},
		deputies: 40,
		named:    named("李秀英", "female", "district", "鼓楼街道代表团", "第3选区", districtTerm, "小学教师", "13905740002"),
		// Four more deputies with accounts, to try the livelihood-project vote as several.
		accounts: append(staff("haishu", "刘海涛", "吴敏"), deputyAccount("lixiuying", "李秀英"),
			voterAccount("haishu-deputy1", 1), voterAccount("haishu-deputy2", 2), voterAccount("haishu-deputy3", 3), voterAccount("haishu-deputy4", 4)),
	}, {
		slug: "jiangbei", parent: "ningbo", code: "330205", level: tenants.LevelDistrict, term: districtTerm,
		zh: "江北区人大常委会", en: "Jiangbei District People's Congress Standing Committee",
		delegations: []string{"中马街道代表团", "白沙街道代表团", "孔浦街道代表团", "文教街道代表团",
			"甬江街道代表团", "庄桥街道代表团", "洪塘街道代表团", "慈城镇代表团"},
		deputies: 40,
		named:    named("张伟", "male", "district", "慈城镇代表团", "第7选区", districtTerm, "民营企业负责人", "13705740003"),
		accounts: append(staff("jiangbei", "赵立新", "黄晓燕"), deputyAccount("zhangwei", "张伟")),
	}, {
		slug: "yinzhou", parent: "ningbo", code: "330212", level: tenants.LevelDistrict, term: districtTerm,
		zh: "鄞州区人大常委会", en: "Yinzhou District People's Congress Standing Committee",
		delegations: []string{"钟公庙街道代表团", "首南街道代表团", "福明街道代表团", "明楼街道代表团", "百丈街道代表团",
			"东胜街道代表团", "中河街道代表团", "潘火街道代表团", "姜山镇代表团", "五乡镇代表团", "邱隘镇代表团", "云龙镇代表团"},
		deputies: 40,
		named:    named("陈静", "female", "district", "姜山镇代表团", "第12选区", districtTerm, "乡镇卫生院医生", "13605740004"),
		accounts: append(staff("yinzhou", "徐国平", "林佳"), deputyAccount("chenjing", "陈静")),
	}, {
		// A subdistrict has no congress of its own: the district congress
		// works there through a working committee, which is the tenant.
		slug: "gulou", parent: "haishu", code: "330203001", level: tenants.LevelTownship,
		zh: "鼓楼街道人大工作委员会", en: "Gulou Subdistrict People's Congress Working Committee",
	}}
}

// commonSurnames are frequent Chinese surnames, with some that are common
// in Ningbo (俞, 应, 虞, 邵) among them.
func commonSurnames() []string {
	return []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡",
		"郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "邓", "冯", "韩", "曹", "沈", "叶",
		"俞", "应", "虞", "邵", "蒋", "方", "金", "汪"}
}

func maleGivenNames() []string {
	return []string{"建国", "建军", "国强", "志强", "伟", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平",
		"辉", "鹏", "斌", "宇", "浩", "凯", "俊", "旭", "宁", "海波", "海涛", "建华", "建平", "晓东", "文斌",
		"志刚", "国平", "永康", "立新", "振华", "德明", "峰", "学军", "跃进", "金龙", "忠良"}
}

func femaleGivenNames() []string {
	return []string{"秀英", "丽", "敏", "静", "燕", "艳", "娟", "霞", "芳", "娜", "丹", "玲", "萍", "红",
		"玉兰", "桂英", "婷", "雪", "慧", "莉", "佳", "琳", "颖", "晓燕", "丽华", "美华", "亚萍", "海燕",
		"素芬", "雅琴", "文静", "欣怡", "春燕", "小红"}
}

// occupations are what deputies do for a living: the document's deputies
// range from village secretaries to doctors, lawyers and entrepreneurs.
func occupations() []string {
	return []string{"中学教师", "小学教师", "社区党委书记", "村党支部书记", "民营企业负责人", "国有企业职工",
		"医生", "护士长", "农民", "种粮大户", "律师", "工程师", "科研人员", "高校教授", "个体工商户",
		"快递员", "环卫工人", "街道党工委书记", "区政府部门负责人", "企业技术员", "外贸公司经理", "退役军人"}
}
