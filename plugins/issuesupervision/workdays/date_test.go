package workdays_test

import (
	"errors"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want workdays.Date
		ok   bool
	}{
		{"2026-02-14", workdays.Date{Year: 2026, Month: time.February, Day: 14}, true},
		{"2028-02-29", workdays.Date{Year: 2028, Month: time.February, Day: 29}, true},
		{"2026-02-29", workdays.Date{}, false},
		{"2026-2-14", workdays.Date{}, false},
		{"", workdays.Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := workdays.ParseDate(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil && !errors.Is(err, workdays.ErrInvalid) {
				t.Errorf("ParseDate(%q) error %v does not wrap ErrInvalid", tt.in, err)
			}
			if tt.ok && got.String() != tt.in {
				t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
			}
		})
	}
}

func TestDateOf(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 2, 13, 15, 59, 59, 0, time.UTC), "2026-02-13"}, // 23:59:59 in China
		{time.Date(2026, 2, 13, 16, 0, 0, 0, time.UTC), "2026-02-14"},   // midnight in China
		{time.Date(2026, 2, 14, 0, 30, 0, 0, workdays.Location()), "2026-02-14"},
	}
	for _, tt := range tests {
		if got := workdays.DateOf(tt.in).String(); got != tt.want {
			t.Errorf("DateOf(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := workdays.Date{Year: 2026, Month: time.December, Day: 31}
	if got, want := d.AddDays(1).String(), "2027-01-01"; got != want {
		t.Errorf("AddDays(1) = %s, want %s", got, want)
	}
	if got, want := d.AddDays(-365).String(), "2025-12-31"; got != want {
		t.Errorf("AddDays(-365) = %s, want %s", got, want)
	}
	if got := d.Weekday(); got != time.Thursday {
		t.Errorf("Weekday = %v, want Thursday", got)
	}
	if d.Compare(d.AddDays(1)) != -1 || d.AddDays(1).Compare(d) != 1 || d.Compare(d) != 0 {
		t.Errorf("Compare is not an order around %s", d)
	}
	if _, err := (workdays.Date{}).MarshalText(); !errors.Is(err, workdays.ErrInvalid) {
		t.Errorf("MarshalText(zero Date) = %v, want ErrInvalid", err)
	}
}
