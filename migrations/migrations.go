// Package migrations holds the reviewed, numbered SQL that builds Renda's
// schema: one folder per database dialect, with the same numbers in each.
// The files are embedded in the binary and applied by `renda migrate`.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
