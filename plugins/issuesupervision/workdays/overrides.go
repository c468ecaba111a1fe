package workdays

import (
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"slices"
)

// Override is one congress's own decision about one day, laid over the national schedule.
type Override struct {
	// Kind is Holiday (a day off, e.g. a typhoon closure) or Workday (a day worked). A Workday
	// override on a Saturday or Sunday makes it an AdjustedWorkday.
	Kind Kind `json:"kind"`
	// Name is shown beside the day, as the congress wrote it, e.g. "台风停工".
	Name string `json:"name,omitempty"`
}

// Overrides are the days a congress (tenant) sets for itself. The scene stores them as JSON, a
// single object keyed by date:
//
//	{"2026-03-03":{"kind":"holiday","name":"台风停工"},"2026-03-07":{"kind":"workday","name":"集中办理日"}}
//
// The zero value is empty and ready to use. An Overrides value is not safe for concurrent edits;
// a [Calendar] built from it keeps its own copy.
type Overrides struct {
	days map[Date]Override
}

// SetHoliday makes d a day off named name. It returns an error wrapping [ErrInvalid] if d is not
// a valid date of the years 0 to 9999.
func (o *Overrides) SetHoliday(d Date, name string) error {
	return o.set(d, Override{Kind: Holiday, Name: name})
}

// SetWorkday makes d a working day named name. It returns an error wrapping [ErrInvalid] if d is
// not a valid date of the years 0 to 9999.
func (o *Overrides) SetWorkday(d Date, name string) error {
	return o.set(d, Override{Kind: Workday, Name: name})
}

func (o *Overrides) set(d Date, v Override) error {
	if _, err := d.MarshalText(); err != nil {
		return err // a day that could not be stored
	}
	if o.days == nil {
		o.days = make(map[Date]Override)
	}
	o.days[d] = v
	return nil
}

// Clear removes the override of d, if any, so that the national schedule applies to it again.
func (o *Overrides) Clear(d Date) { delete(o.days, d) }

// Get returns the override of d and whether there is one.
func (o Overrides) Get(d Date) (Override, bool) {
	v, ok := o.days[d]
	return v, ok
}

// Len returns the number of days overridden.
func (o Overrides) Len() int { return len(o.days) }

// All yields the overridden days in date order.
func (o Overrides) All() iter.Seq2[Date, Override] {
	return func(yield func(Date, Override) bool) {
		for _, d := range slices.SortedFunc(maps.Keys(o.days), Date.Compare) {
			if !yield(d, o.days[d]) {
				return
			}
		}
	}
}

// MarshalJSON writes the overrides as one JSON object keyed by "2006-01-02", in date order.
// It never fails for overrides built with SetHoliday and SetWorkday.
func (o Overrides) MarshalJSON() ([]byte, error) {
	if o.days == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(o.days)
}

// UnmarshalJSON reads what MarshalJSON writes, replacing the current overrides; null reads as
// empty. It returns an error wrapping [ErrInvalid] for a key that is not a date, or a kind other
// than "holiday" or "workday", and a *json.SyntaxError or *json.UnmarshalTypeError for JSON of
// another shape.
func (o *Overrides) UnmarshalJSON(b []byte) error {
	var days map[Date]Override
	if err := json.Unmarshal(b, &days); err != nil {
		return err
	}
	for d, v := range days {
		if v.Kind != Holiday && v.Kind != Workday {
			return fmt.Errorf("%w override of %s: kind %q, want holiday or workday", ErrInvalid, d, v.Kind)
		}
	}
	o.days = days
	return nil
}

func (o Overrides) clone() map[Date]Override { return maps.Clone(o.days) }
