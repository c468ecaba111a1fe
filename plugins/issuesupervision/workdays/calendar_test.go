package workdays_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
)

func date(t testing.TB, s string) workdays.Date {
	t.Helper()
	d, err := workdays.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// span lists every date from "from" to "to", both included.
func span(t testing.TB, from, to string) []string {
	t.Helper()
	var out []string
	for d, end := date(t, from), date(t, to); d.Compare(end) <= 0; d = d.AddDays(1) {
		out = append(out, d.String())
	}
	return out
}

type notice struct {
	holidays map[string]string // date → holiday name as lunar-go writes it
	worked   map[string]string // weekend date worked → the holiday it was moved for
}

// checkYear compares every day of year with the notice: holidays, adjusted working days, and
// plain weekdays and weekends for all other days.
func checkYear(t *testing.T, cal *workdays.Calendar, year int, n notice) {
	t.Helper()
	for d := (workdays.Date{Year: year, Month: time.January, Day: 1}); d.Year == year; d = d.AddDays(1) {
		wantKind, wantName := workdays.Workday, ""
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			wantKind = workdays.Weekend
		}
		if name, ok := n.holidays[d.String()]; ok {
			wantKind, wantName = workdays.Holiday, name
		}
		if name, ok := n.worked[d.String()]; ok {
			wantKind, wantName = workdays.AdjustedWorkday, name
		}
		if gotKind, gotName := cal.Kind(d); gotKind != wantKind || gotName != wantName {
			t.Errorf("Kind(%s %s) = %v %q, want %v %q", d, d.Weekday(), gotKind, gotName, wantKind, wantName)
		}
	}
}

func named(name string, days ...[]string) map[string]string {
	m := make(map[string]string)
	for _, ds := range days {
		for _, d := range ds {
			m[d] = name
		}
	}
	return m
}

func merge(ms ...map[string]string) map[string]string {
	out := make(map[string]string)
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestBuiltin2026 pins the built-in 2026 schedule to 国务院办公厅关于2026年部分节假日安排的通知
// (2025-11-04), typed here from the notice's text, independently of lunar-go.
func TestBuiltin2026(t *testing.T) {
	cal := workdays.New()
	checkYear(t, cal, 2026, notice{
		holidays: merge(
			named("元旦节", span(t, "2026-01-01", "2026-01-03")),
			named("春节", span(t, "2026-02-15", "2026-02-23")),
			named("清明节", span(t, "2026-04-04", "2026-04-06")),
			named("劳动节", span(t, "2026-05-01", "2026-05-05")),
			named("端午节", span(t, "2026-06-19", "2026-06-21")),
			named("中秋节", span(t, "2026-09-25", "2026-09-27")),
			named("国庆节", span(t, "2026-10-01", "2026-10-07")),
		),
		worked: merge(
			named("元旦节", []string{"2026-01-04"}),
			named("春节", []string{"2026-02-14", "2026-02-28"}),
			named("劳动节", []string{"2026-05-09"}),
			named("国庆节", []string{"2026-09-20", "2026-10-10"}),
		),
	})
}

// TestBuiltin2027 pins what lunar-go v1.4.7 ships for 2027. It is NOT checked against the State
// Council notice (see the package documentation): it exists so that a dependency bump that
// changes 2027 is seen and reviewed.
func TestBuiltin2027(t *testing.T) {
	cal := workdays.New()
	checkYear(t, cal, 2027, notice{
		holidays: merge(
			named("元旦节", span(t, "2027-01-01", "2027-01-03")),
			named("春节", span(t, "2027-02-05", "2027-02-13")),
			named("清明节", span(t, "2027-04-03", "2027-04-05")),
			named("劳动节", span(t, "2027-05-01", "2027-05-05")),
			named("端午节", []string{"2027-06-09"}),
			named("中秋节", []string{"2027-09-15"}),
			named("国庆节", span(t, "2027-10-01", "2027-10-07")),
		),
		worked: merge(
			named("春节", []string{"2027-01-31", "2027-02-14"}),
			named("劳动节", []string{"2027-05-08"}),
			named("国庆节", []string{"2027-09-26", "2027-10-09"}),
		),
	})
}

func TestCoversAndStatus(t *testing.T) {
	cal := workdays.New()
	tests := []struct {
		year   int
		want   workdays.DataStatus
		covers bool
	}{
		{2001, workdays.NoData, false}, // lunar-go has 2001-12-29..31, but they belong to 2002's notice
		{2002, workdays.Unverified, true},
		{2025, workdays.Unverified, true},
		{2026, workdays.Verified, true},
		{2027, workdays.Unverified, true},
		{2028, workdays.NoData, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			if got := cal.Status(tt.year); got != tt.want {
				t.Errorf("Status(%d) = %v, want %v", tt.year, got, tt.want)
			}
			if got := cal.Covers(tt.year); got != tt.covers {
				t.Errorf("Covers(%d) = %v, want %v", tt.year, got, tt.covers)
			}
		})
	}
}

func TestKind(t *testing.T) {
	var o workdays.Overrides
	mustOK(t, o.SetHoliday(date(t, "2026-03-03"), "台风停工"))
	mustOK(t, o.SetWorkday(date(t, "2026-03-07"), "集中办理日"))  // a Saturday
	mustOK(t, o.SetWorkday(date(t, "2026-10-08"), "本地补班"))   // already a working day (a Thursday): the override only names it
	mustOK(t, o.SetWorkday(date(t, "2026-10-07"), "值班日"))    // a built-in holiday made a working day
	mustOK(t, o.SetHoliday(date(t, "2026-02-28"), "春节延长休假")) // a built-in adjusted Saturday made a day off
	cal := workdays.New(workdays.WithOverrides(o))
	tests := []struct {
		date     string
		wantKind workdays.Kind
		wantName string
	}{
		{"2026-03-02", workdays.Workday, ""},
		{"2026-03-01", workdays.Weekend, ""},
		{"2026-02-17", workdays.Holiday, "春节"},
		{"2026-02-14", workdays.AdjustedWorkday, "春节"},
		{"2026-03-03", workdays.Holiday, "台风停工"},
		{"2026-03-07", workdays.AdjustedWorkday, "集中办理日"},
		{"2026-10-08", workdays.Workday, "本地补班"},
		{"2026-10-07", workdays.Workday, "值班日"},
		{"2026-02-28", workdays.Holiday, "春节延长休假"},
		{"2028-01-01", workdays.Weekend, ""},            // beyond the data: a Saturday
		{"2028-01-03", workdays.Workday, ""},            // beyond the data: a Monday, whatever the notice will say
		{"2012-05-02", workdays.Workday, ""},            // lunar-go marks this Wednesday "worked"; it is an ordinary day
		{"2018-12-29", workdays.AdjustedWorkday, "元旦节"}, // set by the 2019 notice
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d := date(t, tt.date)
			gotKind, gotName := cal.Kind(d)
			if gotKind != tt.wantKind || gotName != tt.wantName {
				t.Errorf("Kind(%s) = %v %q, want %v %q", tt.date, gotKind, gotName, tt.wantKind, tt.wantName)
			}
			if got, want := cal.IsWorkday(d), tt.wantKind.IsWorkday(); got != want {
				t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, want)
			}
		})
	}
}

func TestKindInvalidDate(t *testing.T) {
	cal := workdays.New()
	for _, d := range []workdays.Date{{}, {Year: 2026, Month: time.February, Day: 29}, {Year: 2026, Month: 13, Day: 1}} {
		if k, name := cal.Kind(d); k != 0 || name != "" {
			t.Errorf("Kind(%#v) = %v %q, want 0 \"\"", d, k, name)
		}
		if cal.IsWorkday(d) {
			t.Errorf("IsWorkday(%#v) = true, want false", d)
		}
	}
}

func TestWithOverridesCopies(t *testing.T) {
	var o workdays.Overrides
	d := date(t, "2026-03-03")
	mustOK(t, o.SetHoliday(d, "台风停工"))
	cal := workdays.New(workdays.WithOverrides(o))
	o.Clear(d)
	if cal.IsWorkday(d) {
		t.Errorf("IsWorkday(%s) = true after clearing the caller's overrides, want false: the calendar keeps its copy", d)
	}
	if !workdays.New(workdays.WithOverrides(o)).IsWorkday(d) {
		t.Errorf("IsWorkday(%s) = false after Clear, want true", d)
	}
}

func mustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
