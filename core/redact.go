package core

import (
	"encoding/json"
	"regexp"
)

// secretKey matches the names of settings that hold credentials.
var secretKey = regexp.MustCompile(`(?i)(key|secret|password|passwd|token|credential)`)

// Redacted is what a secret value reads as once redacted.
const Redacted = "***"

// RedactSecrets returns the JSON document with the value of every member
// whose name looks like a credential (api_key, callback_secret, token...)
// replaced by "***", at any depth. Scene settings pass through it before
// they are shown, audited or exported: secrets are write-only. A document
// that is not JSON comes back unchanged.
func RedactSecrets(doc string) string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return doc
	}
	b, err := json.Marshal(redact(v))
	if err != nil {
		return doc
	}
	return string(b)
}

func redact(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if secretKey.MatchString(k) {
				if _, isString := val.(string); isString {
					x[k] = Redacted
					continue
				}
			}
			x[k] = redact(val)
		}
	case []any:
		for i := range x {
			x[i] = redact(x[i])
		}
	}
	return v
}

// KeepRedacted returns next with every "***" secret replaced by the value
// it hides in prev, so that settings read (redacted) and written back do
// not lose their secrets.
func KeepRedacted(next, prev string) string {
	var n, p any
	if json.Unmarshal([]byte(next), &n) != nil || json.Unmarshal([]byte(prev), &p) != nil {
		return next
	}
	b, err := json.Marshal(keep(n, p))
	if err != nil {
		return next
	}
	return string(b)
}

func keep(n, p any) any {
	switch x := n.(type) {
	case map[string]any:
		pm, _ := p.(map[string]any)
		for k, v := range x {
			if s, ok := v.(string); ok && s == Redacted && secretKey.MatchString(k) {
				if old, ok := pm[k]; ok {
					x[k] = old
				}
				continue
			}
			x[k] = keep(v, pm[k])
		}
	case []any:
		pl, _ := p.([]any)
		for i := range x {
			var old any
			if i < len(pl) {
				old = pl[i]
			}
			x[i] = keep(x[i], old)
		}
	}
	return n
}
