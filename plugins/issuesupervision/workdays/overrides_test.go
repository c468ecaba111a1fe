package workdays_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
)

func TestOverridesJSONRoundTrip(t *testing.T) {
	var o workdays.Overrides
	mustOK(t, o.SetWorkday(date(t, "2026-03-07"), "集中办理日"))
	mustOK(t, o.SetHoliday(date(t, "2026-03-03"), "台风停工"))
	mustOK(t, o.SetHoliday(date(t, "2026-12-31"), ""))

	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"2026-03-03":{"kind":"holiday","name":"台风停工"},"2026-03-07":{"kind":"workday","name":"集中办理日"},"2026-12-31":{"kind":"holiday"}}`
	if string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}

	var back workdays.Overrides
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got, want := back.Len(), o.Len(); got != want {
		t.Fatalf("round trip Len = %d, want %d", got, want)
	}
	for d, v := range o.All() {
		if got, ok := back.Get(d); !ok || got != v {
			t.Errorf("round trip Get(%s) = %+v %v, want %+v true", d, got, ok, v)
		}
	}
	// The decoded overrides change a deadline as the originals do.
	start := at(t, "2026-03-02 10:00")
	if got, want := workdays.New(workdays.WithOverrides(back)).AddWorkdays(start, 5), workdays.New(workdays.WithOverrides(o)).AddWorkdays(start, 5); !got.Equal(want) {
		t.Errorf("deadline with decoded overrides = %s, want %s", got, want)
	}
}

func TestOverridesJSONEmpty(t *testing.T) {
	var o workdays.Overrides
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "{}" {
		t.Errorf("json.Marshal(empty) = %s, want {}", b)
	}
	mustOK(t, o.SetHoliday(date(t, "2026-03-03"), "台风停工"))
	for _, in := range []string{"{}", "null"} {
		o := o
		if err := json.Unmarshal([]byte(in), &o); err != nil {
			t.Fatalf("json.Unmarshal(%s): %v", in, err)
		}
		if o.Len() != 0 {
			t.Errorf("json.Unmarshal(%s) left %d overrides, want 0", in, o.Len())
		}
	}
}

func TestOverridesJSONErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		invalid bool // wraps workdays.ErrInvalid
	}{
		{"not a date", `{"2026-02-30":{"kind":"holiday"}}`, true},
		{"not a date format", `{"2026/03/03":{"kind":"holiday"}}`, true},
		{"unknown kind", `{"2026-03-03":{"kind":"day off"}}`, true},
		{"weekend is not an override", `{"2026-03-03":{"kind":"weekend"}}`, true},
		{"adjusted_workday is not an override", `{"2026-03-07":{"kind":"adjusted_workday"}}`, true},
		{"missing kind", `{"2026-03-03":{"name":"台风停工"}}`, true},
		{"not an object", `["2026-03-03"]`, false},
		{"broken JSON", `{"2026-03-03":`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o workdays.Overrides
			err := json.Unmarshal([]byte(tt.in), &o)
			if err == nil {
				t.Fatalf("json.Unmarshal(%s) = nil error, want one", tt.in)
			}
			if got := errors.Is(err, workdays.ErrInvalid); got != tt.invalid {
				t.Errorf("json.Unmarshal(%s) = %v; errors.Is(ErrInvalid) = %v, want %v", tt.in, err, got, tt.invalid)
			}
		})
	}
}

func TestOverridesSetInvalidDate(t *testing.T) {
	var o workdays.Overrides
	for _, d := range []workdays.Date{{}, {Year: 2026, Month: time.February, Day: 29}, {Year: 10000, Month: time.January, Day: 1}} {
		if err := o.SetHoliday(d, "x"); !errors.Is(err, workdays.ErrInvalid) {
			t.Errorf("SetHoliday(%#v) = %v, want ErrInvalid", d, err)
		}
		if err := o.SetWorkday(d, "x"); !errors.Is(err, workdays.ErrInvalid) {
			t.Errorf("SetWorkday(%#v) = %v, want ErrInvalid", d, err)
		}
	}
	if o.Len() != 0 {
		t.Errorf("Len = %d after rejected sets, want 0", o.Len())
	}
}

func TestOverridesClearAndOrder(t *testing.T) {
	var o workdays.Overrides
	for _, s := range []string{"2026-12-01", "2026-03-03", "2025-07-01"} {
		mustOK(t, o.SetHoliday(date(t, s), ""))
	}
	o.Clear(date(t, "2026-12-01"))
	o.Clear(date(t, "2030-01-01")) // not set: nothing happens
	var got []string
	for d := range o.All() {
		got = append(got, d.String())
	}
	if want := []string{"2025-07-01", "2026-03-03"}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("All = %v, want %v", got, want)
	}
}
