package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/renda-platform/renda/core"
)

// maxJSONBytes bounds a JSON request body; maxBodyBytes bounds any body
// (photos), and is enforced by fiber before a handler runs.
const (
	maxJSONBytes = 256 << 10
	maxBodyBytes = core.MaxPhotoBytes + 64<<10
)

// Decode parses a JSON request body into v strictly: one JSON value, valid
// UTF-8, no unknown fields, matching types, at most maxJSONBytes. Every
// failure is an EINVALID (or ETOOLARGE) *core.Error naming the field.
func Decode(body []byte, v any) error {
	if len(body) > maxJSONBytes {
		return core.Errorf(core.ETOOLARGE, "body.too_large", maxJSONBytes>>10)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return core.Errorf(core.EINVALID, "body.empty")
	}
	if !utf8.Valid(body) {
		return core.Errorf(core.EINVALID, "body.invalid_utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return core.Errorf(core.EINVALID, "body.trailing")
	}
	return nil
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		path := typeErr.Field
		if path == "" {
			path = "$"
		}
		return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"), Err: err,
			Fields: []core.FieldError{{Path: path, Msg: core.Msg("body.wrong_type", jsonType(typeErr.Type.Kind().String()))}}}
	case errors.As(err, &syntaxErr):
		return &core.Error{Code: core.EINVALID, Msg: core.Msg("body.malformed", syntaxErr.Error()), Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &core.Error{Code: core.EINVALID, Msg: core.Msg("body.malformed", "unexpected end of JSON"), Err: err}
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"), Err: err,
			Fields: []core.FieldError{{Path: strings.Trim(field, `"`), Msg: core.Msg("body.unknown_field")}}}
	}
	// Other decoder failures (e.g. a time in the wrong format) come from a
	// value's UnmarshalJSON.
	return &core.Error{Code: core.EINVALID, Msg: core.Msg("body.malformed", err.Error()), Err: err}
}

// jsonType names a Go kind the way a JSON client thinks of it.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	}
	return "number"
}
