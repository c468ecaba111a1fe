package workdays

import (
	"cmp"
	"errors"
	"fmt"
	"time"
)

// ErrInvalid is wrapped by every error this package returns: a malformed date, an unknown kind,
// or an override that is not allowed. Callers map it to "invalid input".
var ErrInvalid = errors.New("workdays: invalid")

// dateLayout is how dates are written in JSON and by [Date.String].
const dateLayout = "2006-01-02"

// shanghai is China Standard Time. The fixed +08:00 zone stands in when the system has no time
// zone database; it gives the same instants for every date since 1991, when China last had
// daylight saving, and the data starts in 2001.
var shanghai = loadShanghai()

func loadShanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}

// Location returns the time zone in which this package reads dates and returns deadlines:
// Asia/Shanghai.
func Location() *time.Location { return shanghai }

// Date is a civil date (a day in the calendar, with no time or zone). The zero Date is invalid.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date in China (Asia/Shanghai) at the instant t, whatever t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.In(shanghai).Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a date written as "2006-01-02". It returns an error wrapping [ErrInvalid]
// when s is not a real date in that form.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w date %q: want YYYY-MM-DD", ErrInvalid, s)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// String returns the date as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsValid reports whether d is a real date: its month is 1 to 12 and its day exists in that
// month (2026-02-29 does not).
func (d Date) IsValid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.midnightUTC().Weekday() }

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date {
	y, m, day := time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC).Date()
	return Date{Year: y, Month: m, Day: day}
}

// Compare returns -1 if d is before e, 0 if they are the same day and +1 if d is after e.
func (d Date) Compare(e Date) int {
	if c := cmp.Compare(d.Year, e.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, e.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, e.Day)
}

// MarshalText writes the date as "2006-01-02". It returns an error wrapping [ErrInvalid] for an
// invalid date, so that a zero Date never reaches storage as "0000-00-00", and for a year outside
// 0 to 9999, which [ParseDate] could not read back.
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsValid() || d.Year < 0 || d.Year > 9999 {
		return nil, fmt.Errorf("%w date %s", ErrInvalid, d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads a date written as "2006-01-02". It returns an error wrapping [ErrInvalid]
// as [ParseDate] does.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func (d Date) midnightUTC() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}
