package workdays

import "fmt"

// Kind says what sort of day a date is. The zero Kind is invalid: [Calendar.Kind] returns it only
// for an invalid date.
type Kind uint8

// The kinds of day. Their text forms (used in JSON) are in brackets.
const (
	Workday         Kind = iota + 1 // an ordinary working day, Monday to Friday ("workday")
	Weekend                         // a Saturday or Sunday off ("weekend")
	Holiday                         // a day off for a public or local holiday ("holiday")
	AdjustedWorkday                 // a Saturday or Sunday worked instead, 调休上班 ("adjusted_workday")
)

var kindText = [...]string{
	Workday:         "workday",
	Weekend:         "weekend",
	Holiday:         "holiday",
	AdjustedWorkday: "adjusted_workday",
}

// IsWorkday reports whether a day of kind k is a working day.
func (k Kind) IsWorkday() bool { return k == Workday || k == AdjustedWorkday }

// String returns the text form of k, or "Kind(n)" for an invalid kind.
func (k Kind) String() string {
	if !k.valid() {
		return fmt.Sprintf("Kind(%d)", uint8(k))
	}
	return kindText[k]
}

func (k Kind) valid() bool { return k >= Workday && k <= AdjustedWorkday }

// MarshalText writes the text form of k. It returns an error wrapping [ErrInvalid] for the zero
// or an unknown Kind.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.valid() {
		return nil, fmt.Errorf("%w kind %d", ErrInvalid, uint8(k))
	}
	return []byte(kindText[k]), nil
}

// UnmarshalText reads the text form of a Kind. It returns an error wrapping [ErrInvalid] for any
// other text.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, s := range kindText {
		if i != 0 && s == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("%w kind %q: want workday, weekend, holiday or adjusted_workday", ErrInvalid, b)
}
