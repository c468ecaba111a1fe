// Package core holds Renda's domain types and the service interfaces the API
// consumes. It imports no framework: the store, the authorizer and the HTTP
// layer live in their own packages and depend on this one.
package core

import (
	"errors"
	"fmt"
)

// Code classifies an error. Codes map to HTTP statuses in exactly one place
// (the api package) and to gRPC statuses in exactly one other.
type Code string

// Error codes.
const (
	EINVALID       Code = "invalid"       // the input is wrong; Fields says where
	ENOTFOUND      Code = "not_found"     // no such thing, or not visible to the caller
	ECONFLICT      Code = "conflict"      // the state of things forbids it (duplicate, stale version, wrong state)
	EUNAUTHORIZED  Code = "unauthorized"  // no valid credentials
	EFORBIDDEN     Code = "forbidden"     // valid credentials, not allowed
	ESUSPENDED     Code = "suspended"     // the tenant does not serve calls now
	ELOCKED        Code = "locked"        // too many failed attempts; try later
	ETOOLARGE      Code = "too_large"     // the request body is over the limit
	EUNAVAILABLE   Code = "unavailable"   // a dependency is down; retry later
	ETIMEOUT       Code = "timeout"       // a dependency did not answer in time
	EBADGATEWAY    Code = "bad_gateway"   // a dependency (a scene) failed
	EINTERNAL      Code = "internal"      // a bug or an outage; details are logged, not shown
	EUNPROCESSABLE Code = "unprocessable" // well-formed but cannot be applied (e.g. reused idempotency key)
)

// Error is an error with a code and a message that can be shown to a user in
// their language. Err, if set, is the underlying cause, logged but never shown.
type Error struct {
	Code   Code
	Msg    Message
	Fields []FieldError
	Err    error
}

// FieldError says what is wrong with one field of the input. Path is a JSON
// pointer-like dotted path ("contact.phone", "grants[2].action").
type FieldError struct {
	Path string
	Msg  Message
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Msg.Key
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and message.
func Errorf(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Msg: Message{Key: key, Args: args}}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// IsNotFound reports whether err is classified ENOTFOUND.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }

// Wrap annotates err with the operation that failed, keeping the chain.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
