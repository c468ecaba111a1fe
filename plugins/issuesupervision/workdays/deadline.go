package workdays

import "time"

// endOfDayNanos is 23:59:59.999, not .999999999: PostgreSQL keeps microseconds and rounds, so the
// last nanosecond of a day would be stored as midnight of the next one; milliseconds also survive
// JavaScript's Date.
const endOfDayNanos = int(999 * time.Millisecond)

// AddWorkdays returns the deadline of something submitted at start that must be done within n
// working days: 23:59:59.999, in Asia/Shanghai, of the n-th working day after the day it counts
// as received. A submission on a working day, at any hour, is received that day; one on a day off
// is received on the next working day. The day of receipt itself is not counted, so for n = 0 the
// deadline is the end of the day of receipt.
//
// For example, with the 2026 schedule: submitted Thursday 2026-02-12 at 10:00 with n = 5, it is
// due 2026-02-26 23:59:59.999 (13, 14 (an adjusted Saturday), 24, 25, 26; 15–23 is the Spring
// Festival); submitted on 2026-02-18, during the holiday, it is received on 2026-02-24 and due
// 2026-03-02.
//
// The result is always the end of a working day. A submission is on time if it is answered at or
// before the deadline (!answered.After(deadline)). AddWorkdays panics if n is negative: a limit of
// fewer than zero days is a bug in the caller.
func (c *Calendar) AddWorkdays(start time.Time, n int) time.Time {
	if n < 0 {
		panic("workdays: AddWorkdays with negative n")
	}
	d := c.received(DateOf(start))
	for counted := 0; counted < n; {
		d = d.AddDays(1)
		if c.IsWorkday(d) {
			counted++
		}
	}
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, endOfDayNanos, shanghai)
}

// WorkdaysBetween returns how many working days passed from a to b, counted as [Calendar.AddWorkdays]
// counts them: the working days after the day a counts as received, up to and including the day
// of b. So WorkdaysBetween(t, c.AddWorkdays(t, n)) == n for every n >= 0; an issue submitted on
// Monday and answered the same day took 0 working days, answered on Tuesday 1. If b is before a
// it returns -WorkdaysBetween(b, a).
//
// It is meant for statistics such as the median handling time. To tell whether an answer was on
// time compare it with the deadline instead: an answer on the Saturday after a Friday deadline is
// late, yet no working day has passed since.
func (c *Calendar) WorkdaysBetween(a, b time.Time) int {
	if b.Before(a) {
		return -c.WorkdaysBetween(b, a)
	}
	to := DateOf(b)
	n := 0
	for d := c.received(DateOf(a)).AddDays(1); d.Compare(to) <= 0; d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// received returns the day something submitted on d counts as received: d itself if it is a
// working day, or else the next working day. It ends because overrides are finite and every
// week outside them has working days.
func (c *Calendar) received(d Date) Date {
	for !c.IsWorkday(d) {
		d = d.AddDays(1)
	}
	return d
}
