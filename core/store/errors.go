package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
)

// Constraint kinds a database error can report.
const (
	violUnique = "unique"
	violFK     = "foreign_key"
	violCheck  = "check"
)

// violation returns which kind of constraint err violated, or "".
func violation(err error) string {
	if err == nil {
		return ""
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return violUnique
		case "23503":
			return violFK
		case "23514", "23502":
			return violCheck
		}
		return ""
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return violUnique
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return violFK
	case strings.Contains(msg, "CHECK constraint failed"), strings.Contains(msg, "NOT NULL constraint failed"):
		return violCheck
	}
	return ""
}

// notFound turns gorm's "record not found" into ENOTFOUND with the message
// key given, and wraps anything else with op.
func notFound(op string, err error, key string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return core.Errorf(core.ENOTFOUND, key)
	}
	return core.Wrap(op, err)
}
