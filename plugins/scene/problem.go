package scene

import (
	"errors"
	"fmt"
)

// Problem codes, mapped by the host to HTTP statuses.
const (
	CodeInvalid   = "invalid"
	CodeNotFound  = "not_found"
	CodeConflict  = "conflict"
	CodeForbidden = "forbidden"
)

// Problem is a user-facing error: returned by a handler, it reaches the
// user as problem details in their language. Host services return their
// refusals as *Problem too.
type Problem struct {
	Code    string
	Key     string // stable machine-readable key, e.g. "notice.not_found"
	Message Text
	Fields  []FieldProblem
}

// FieldProblem is a problem with one input field.
type FieldProblem struct {
	Path    string
	Message Text
}

func (p *Problem) Error() string { return fmt.Sprintf("%s: %s: %s", p.Code, p.Key, p.Message.EN) }

// NotFound returns a not_found Problem.
func NotFound(key string, msg Text) *Problem {
	return &Problem{Code: CodeNotFound, Key: key, Message: msg}
}

// Conflict returns a conflict Problem.
func Conflict(key string, msg Text) *Problem {
	return &Problem{Code: CodeConflict, Key: key, Message: msg}
}

// Forbidden returns a forbidden Problem.
func Forbidden(key string, msg Text) *Problem {
	return &Problem{Code: CodeForbidden, Key: key, Message: msg}
}

// Invalid returns an invalid Problem listing field problems.
func Invalid(fields ...FieldProblem) *Problem {
	return &Problem{Code: CodeInvalid, Key: "validation.failed",
		Message: T("提交的内容有误，请检查标出的字段。", "The request has invalid fields; see errors."), Fields: fields}
}

// Field returns a FieldProblem.
func Field(path string, msg Text) FieldProblem { return FieldProblem{Path: path, Message: msg} }

// AsProblem returns the *Problem in err's chain, if any.
func AsProblem(err error) (*Problem, bool) {
	var p *Problem
	ok := errors.As(err, &p)
	return p, ok
}

// Validator collects field problems for one response.
type Validator struct{ fields []FieldProblem }

// Check records msg for path unless ok.
func (v *Validator) Check(ok bool, path string, msg Text) {
	if !ok {
		v.fields = append(v.fields, Field(path, msg))
	}
}

// Required checks that s is not empty.
func (v *Validator) Required(path, s string) {
	v.Check(s != "", path, T("此项必填。", "This field is required."))
}

// MaxLen checks that s has at most n characters.
func (v *Validator) MaxLen(path, s string, n int) {
	v.Check(len([]rune(s)) <= n, path, T(fmt.Sprintf("不能超过 %d 个字。", n), fmt.Sprintf("Must be at most %d characters.", n)))
}

// Err returns an invalid Problem, or nil when every check passed.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return Invalid(v.fields...)
}
