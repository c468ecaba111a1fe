package workdays_test

import (
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
)

// at reads "2006-01-02 15:04" in China Standard Time.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, workdays.Location())
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// endOf is the deadline instant of a day: 23:59:59.999 in China Standard Time.
func endOf(t testing.TB, day string) time.Time {
	t.Helper()
	d := date(t, day)
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, int(999*time.Millisecond), workdays.Location())
}

type deadlineCase struct {
	name  string
	start time.Time
	n     int
	due   string
}

func checkDeadlines(t *testing.T, cal *workdays.Calendar, tests []deadlineCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := cal.AddWorkdays(tt.start, tt.n), endOf(t, tt.due)
			if !got.Equal(want) {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tt.start, tt.n, got, want)
			}
			if got.Location() != workdays.Location() {
				t.Errorf("AddWorkdays(%s, %d) is in %v, want %v", tt.start, tt.n, got.Location(), workdays.Location())
			}
		})
	}
}

func TestAddWorkdaysSpringFestival2026(t *testing.T) {
	// Feb 14 (Sat) and Feb 28 (Sat) are worked; Feb 15–23 is the holiday.
	checkDeadlines(t, workdays.New(), []deadlineCase{
		{"Thu Feb 12", at(t, "2026-02-12 10:00"), 5, "2026-02-26"}, // 13, 14, 24, 25, 26
		{"Fri Feb 13", at(t, "2026-02-13 10:00"), 5, "2026-02-27"}, // 14, 24, 25, 26, 27
		{"adjusted Sat Feb 14", at(t, "2026-02-14 10:00"), 5, "2026-02-28"},
		{"during the holiday", at(t, "2026-02-18 10:00"), 5, "2026-03-02"}, // received 24; 25, 26, 27, 28, Mar 2
		{"last night of the holiday", at(t, "2026-02-23 23:30"), 5, "2026-03-02"},
		{"3 days from Thu Feb 12", at(t, "2026-02-12 10:00"), 3, "2026-02-24"},
		{"Fri Feb 13 just before midnight", at(t, "2026-02-13 23:59"), 1, "2026-02-14"},
		{"UTC Friday afternoon is Saturday in China", time.Date(2026, 2, 13, 16, 30, 0, 0, time.UTC), 1, "2026-02-24"},
		{"0 days on a working day", at(t, "2026-02-12 10:00"), 0, "2026-02-12"},
		{"0 days during the holiday", at(t, "2026-02-18 10:00"), 0, "2026-02-24"},
	})
}

func TestAddWorkdaysNationalDay2026(t *testing.T) {
	// Sep 20 (Sun) and Oct 10 (Sat) are worked; Sep 25–27 is Mid-Autumn, Oct 1–7 National Day.
	checkDeadlines(t, workdays.New(), []deadlineCase{
		{"Fri Sep 18", at(t, "2026-09-18 10:00"), 5, "2026-09-24"},             // 20, 21, 22, 23, 24
		{"ordinary Sat Sep 19", at(t, "2026-09-19 10:00"), 5, "2026-09-28"},    // received 20; 21, 22, 23, 24, 28
		{"Thu Sep 24", at(t, "2026-09-24 10:00"), 5, "2026-10-09"},             // 28, 29, 30, Oct 8, 9
		{"Mon Sep 28", at(t, "2026-09-28 10:00"), 5, "2026-10-10"},             // 29, 30, Oct 8, 9, 10
		{"during the holiday", at(t, "2026-10-03 10:00"), 5, "2026-10-14"},     // received Oct 8; 9, 10, 12, 13, 14
		{"adjusted Sat Oct 10", at(t, "2026-10-10 10:00"), 5, "2026-10-16"},    // 12, 13, 14, 15, 16
		{"3 days from Wed Sep 30", at(t, "2026-09-30 10:00"), 3, "2026-10-10"}, // Oct 8, 9, 10
	})
}

func TestAddWorkdaysNewYear2026(t *testing.T) {
	// Jan 1–3 is the holiday and Sunday Jan 4 is worked.
	checkDeadlines(t, workdays.New(), []deadlineCase{
		{"Wed Dec 31 2025", at(t, "2025-12-31 10:00"), 5, "2026-01-08"}, // Jan 4, 5, 6, 7, 8
		{"1 day from Dec 31 is Sunday Jan 4", at(t, "2025-12-31 10:00"), 1, "2026-01-04"},
		{"during the holiday", at(t, "2026-01-02 10:00"), 5, "2026-01-09"}, // received Jan 4; 5, 6, 7, 8, 9
		{"0 days during the holiday", at(t, "2026-01-03 10:00"), 0, "2026-01-04"},
	})
}

func TestAddWorkdaysThreeDayCategory(t *testing.T) {
	checkDeadlines(t, workdays.New(), []deadlineCase{
		{"before Labour Day", at(t, "2026-04-30 10:00"), 3, "2026-05-08"},         // May 1–5 off; 6, 7, 8
		{"before the adjusted May 9", at(t, "2026-05-08 10:00"), 3, "2026-05-12"}, // 9 (Sat), 11, 12
	})
}

func TestAddWorkdaysOverrides(t *testing.T) {
	typhoon, extra := date(t, "2026-03-03"), date(t, "2026-03-07") // a Tuesday; a Saturday
	var holidayOnly, workdayOnly, both workdays.Overrides
	mustOK(t, holidayOnly.SetHoliday(typhoon, "台风停工"))
	mustOK(t, workdayOnly.SetWorkday(extra, "集中办理日"))
	mustOK(t, both.SetHoliday(typhoon, "台风停工"))
	mustOK(t, both.SetWorkday(extra, "集中办理日"))
	monday := at(t, "2026-03-02 10:00")
	tests := []struct {
		name  string
		cal   *workdays.Calendar
		start time.Time
		due   string
	}{
		{"national schedule", workdays.New(), monday, "2026-03-09"},                                                                    // 3, 4, 5, 6, 9
		{"local holiday", workdays.New(workdays.WithOverrides(holidayOnly)), monday, "2026-03-10"},                                     // 4, 5, 6, 9, 10
		{"extra workday", workdays.New(workdays.WithOverrides(workdayOnly)), monday, "2026-03-07"},                                     // 3, 4, 5, 6, 7
		{"both", workdays.New(workdays.WithOverrides(both)), monday, "2026-03-09"},                                                     // 4, 5, 6, 7, 9
		{"submitted on the local holiday", workdays.New(workdays.WithOverrides(holidayOnly)), at(t, "2026-03-03 10:00"), "2026-03-11"}, // received 4
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := tt.cal.AddWorkdays(tt.start, 5), endOf(t, tt.due); !got.Equal(want) {
				t.Errorf("AddWorkdays(%s, 5) = %s, want %s", tt.start, got, want)
			}
		})
	}
}

func TestAddWorkdaysNegativePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("AddWorkdays(t, -1) did not panic")
		}
	}()
	workdays.New().AddWorkdays(at(t, "2026-02-12 10:00"), -1)
}

func TestWorkdaysBetween(t *testing.T) {
	var o workdays.Overrides
	mustOK(t, o.SetHoliday(date(t, "2026-03-03"), "台风停工"))
	local := workdays.New(workdays.WithOverrides(o))
	tests := []struct {
		name string
		cal  *workdays.Calendar
		a, b time.Time
		want int
	}{
		{"across Spring Festival", workdays.New(), at(t, "2026-02-12 10:00"), at(t, "2026-02-26 15:00"), 5},
		{"same day", workdays.New(), at(t, "2026-02-12 10:00"), at(t, "2026-02-12 17:00"), 0},
		{"adjusted Saturday counts", workdays.New(), at(t, "2026-02-13 10:00"), at(t, "2026-02-24 09:00"), 2},
		{"submitted in the holiday, answered on the first day back", workdays.New(), at(t, "2026-02-18 10:00"), at(t, "2026-02-24 09:00"), 0},
		{"submitted in the holiday, answered a day later", workdays.New(), at(t, "2026-02-18 10:00"), at(t, "2026-02-25 09:00"), 1},
		{"answered at the weekend", workdays.New(), at(t, "2026-03-06 10:00"), at(t, "2026-03-07 10:00"), 0},
		{"answered on Monday", workdays.New(), at(t, "2026-03-06 10:00"), at(t, "2026-03-09 10:00"), 1},
		{"across National Day", workdays.New(), at(t, "2026-09-30 10:00"), at(t, "2026-10-10 10:00"), 3},
		{"across New Year", workdays.New(), at(t, "2025-12-31 10:00"), at(t, "2026-01-04 10:00"), 1},
		{"local holiday", local, at(t, "2026-03-02 10:00"), at(t, "2026-03-09 10:00"), 4},
		{"b before a", workdays.New(), at(t, "2026-02-26 15:00"), at(t, "2026-02-12 10:00"), -5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.WorkdaysBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// FuzzAddWorkdays checks, for starts from 2000 to 2100 (inside and beyond the data) and n from 0
// to 30, that a deadline is the end of a working day, not before the start, and that
// WorkdaysBetween undoes AddWorkdays; on the national schedule and with overrides.
func FuzzAddWorkdays(f *testing.F) {
	for _, s := range []string{"2026-02-12 10:00", "2026-02-18 10:00", "2025-12-31 23:59", "2026-09-19 00:00", "2027-12-31 12:00"} {
		f.Add(at(f, s).Unix(), uint8(5))
	}
	var o workdays.Overrides
	mustOK(f, o.SetHoliday(date(f, "2026-03-03"), "台风停工"))
	mustOK(f, o.SetWorkday(date(f, "2026-03-07"), "集中办理日"))
	mustOK(f, o.SetHoliday(date(f, "2026-02-24"), "春节延长休假"))
	cals := []*workdays.Calendar{workdays.New(), workdays.New(workdays.WithOverrides(o))}
	lo := time.Date(2000, 1, 1, 0, 0, 0, 0, workdays.Location()).Unix()
	hi := time.Date(2101, 1, 1, 0, 0, 0, 0, workdays.Location()).Unix()
	f.Fuzz(func(t *testing.T, sec int64, n uint8) {
		start := time.Unix(lo+((sec%(hi-lo))+(hi-lo))%(hi-lo), 0)
		k := int(n % 31)
		for i, cal := range cals {
			due := cal.AddWorkdays(start, k)
			if h, m, s := due.Clock(); h != 23 || m != 59 || s != 59 || due.Nanosecond() != int(999*time.Millisecond) || due.Location() != workdays.Location() {
				t.Fatalf("calendar %d: AddWorkdays(%s, %d) = %s, want 23:59:59.999 in %v", i, start, k, due, workdays.Location())
			}
			if d := workdays.DateOf(due); !cal.IsWorkday(d) {
				t.Fatalf("calendar %d: AddWorkdays(%s, %d) = %s, which is not a working day", i, start, k, due)
			}
			if due.Before(start) {
				t.Fatalf("calendar %d: AddWorkdays(%s, %d) = %s, before the start", i, start, k, due)
			}
			if got := cal.WorkdaysBetween(start, due); got != k {
				t.Fatalf("calendar %d: WorkdaysBetween(%s, AddWorkdays(_, %d) = %s) = %d, want %d", i, start, k, due, got, k)
			}
		}
	})
}
