package authz

import "strings"

// isDuplicate reports a unique-index violation on casbin_rule: the rule is
// already there, which is what the caller wanted.
func isDuplicate(err error) bool {
	s := err.Error()
	return strings.Contains(s, "23505") || strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "duplicate key")
}
