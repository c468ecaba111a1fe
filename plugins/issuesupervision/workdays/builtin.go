package workdays

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// DataStatus says how far the built-in schedule of a year can be trusted.
type DataStatus uint8

// The statuses a year's schedule can have. See the package documentation for which years have
// which.
const (
	NoData     DataStatus = iota // no schedule: only Saturdays and Sundays are days off
	Unverified                   // lunar-go's schedule, not checked by us against the notice
	Verified                     // lunar-go's schedule, checked by us against the notice's text
)

// String returns "no data", "unverified" or "verified".
func (s DataStatus) String() string {
	switch s {
	case Unverified:
		return "unverified"
	case Verified:
		return "verified"
	default:
		return "no data"
	}
}

// verifiedYears are the years whose lunar-go schedule someone has compared, day by day, with the
// State Council notice; each names the notice. TestBuiltin2026 pins 2026 to the notice's dates.
var verifiedYears = map[int]string{
	2026: "国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号, 2025-11-04)",
}

// The lunar-go data starts with the notice for 2002; years are scanned to lunarLastYear so that a
// dependency bump that adds years needs no change here.
const (
	lunarFirstYear = 2001
	lunarLastYear  = 2100
)

type builtinDay struct {
	kind Kind
	name string
}

type builtinData struct {
	days  map[Date]builtinDay
	years map[int]bool // years whose notice the data holds
}

// builtin is read once: lunar-go keeps its data in package state that HolidayUtil.Fix can change
// at any time, and a copy taken up front is neither changed by such a call nor raced with it.
var builtin = sync.OnceValue(loadBuiltin)

func loadBuiltin() *builtinData {
	b := &builtinData{days: make(map[Date]builtinDay), years: make(map[int]bool)}
	for y := lunarFirstYear; y <= lunarLastYear; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			day, err := ParseDate(h.GetDay())
			if err != nil {
				panic(fmt.Sprintf("workdays: lunar-go holiday data: %v", err))
			}
			target, err := strconv.Atoi(h.GetTarget()[:4])
			if err != nil {
				panic(fmt.Sprintf("workdays: lunar-go holiday data: target %q: %v", h.GetTarget(), err))
			}
			// A notice is filed under the year of its holidays, even for the days it sets in
			// the December before.
			b.years[target] = true
			switch {
			case !h.IsWork():
				b.days[day] = builtinDay{kind: Holiday, name: h.GetName()}
			case isWeekend(day):
				b.days[day] = builtinDay{kind: AdjustedWorkday, name: h.GetName()}
			}
			// A "worked" weekday (lunar-go has 2012-05-02 and 2012-10-08) is an ordinary
			// working day and needs no entry.
		}
	}
	return b
}

// BuiltinFingerprint identifies the built-in holiday data (a hash of every
// day it sets): it changes when an update of the data changes any day, so
// that figures counted with the old data can tell they must be counted
// again.
func BuiltinFingerprint() string { return builtinFingerprint() }

var builtinFingerprint = sync.OnceValue(func() string {
	b := builtin()
	days := make([]Date, 0, len(b.days))
	for d := range b.days {
		days = append(days, d)
	}
	slices.SortFunc(days, func(x, y Date) int { return strings.Compare(x.String(), y.String()) })
	h := sha256.New()
	for _, d := range days {
		fmt.Fprintf(h, "%s %d\n", d, b.days[d].kind)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
})

func builtinStatus(year int) DataStatus {
	switch {
	case !builtin().years[year]:
		return NoData
	case verifiedYears[year] != "":
		return Verified
	default:
		return Unverified
	}
}
