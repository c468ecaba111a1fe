package core

import (
	"strings"
	"unicode/utf8"
)

// Validator collects field errors so that one response can name every
// problem at once.
type Validator struct {
	fields []FieldError
}

// Add records a problem with the field at path.
func (v *Validator) Add(path, key string, args ...any) {
	v.fields = append(v.fields, FieldError{Path: path, Msg: Msg(key, args...)})
}

// Required checks that s is not blank.
func (v *Validator) Required(path, s string) bool {
	if strings.TrimSpace(s) == "" {
		v.Add(path, "field.required")
		return false
	}
	return true
}

// MaxLen checks that s has at most n characters (not bytes).
func (v *Validator) MaxLen(path, s string, n int) bool {
	if utf8.RuneCountInString(s) > n {
		v.Add(path, "field.too_long", n)
		return false
	}
	return true
}

// Text checks a required, trimmed, single-line text of at most n characters.
func (v *Validator) Text(path, s string, n int) {
	if v.Required(path, s) {
		v.MaxLen(path, s, n)
		if strings.ContainsAny(s, "\x00\r\n") {
			v.Add(path, "field.single_line")
		}
	}
}

// OptionalText checks an optional text of at most n characters.
func (v *Validator) OptionalText(path, s string, n int) {
	v.MaxLen(path, s, n)
	if strings.ContainsRune(s, 0) {
		v.Add(path, "field.single_line")
	}
}

// OneOf checks that s is one of the allowed values.
func (v *Validator) OneOf(path, s string, allowed ...string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	v.Add(path, "field.one_of", strings.Join(allowed, ", "))
}

// Err returns an EINVALID error listing the problems, or nil if none.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Msg: Msg("validation.failed"), Fields: v.fields}
}
