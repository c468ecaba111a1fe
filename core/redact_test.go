package core_test

import (
	"testing"

	"github.com/renda-platform/renda/core"
)

func TestRedactSecrets(t *testing.T) {
	in := `{"grid":{"endpoint":"http://p","api_key":"k1","callback_secret":"s"},"open311_api_keys":[{"key":"abcdefghijklmnop","name":"app"}],"poll_seconds":5}`
	want := `{"grid":{"api_key":"***","callback_secret":"***","endpoint":"http://p"},"open311_api_keys":[{"key":"***","name":"app"}],"poll_seconds":5}`
	if got := core.RedactSecrets(in); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := core.RedactSecrets("not json"); got != "not json" {
		t.Errorf("non-JSON: %q", got)
	}
}

func TestKeepRedacted(t *testing.T) {
	prev := `{"grid":{"api_key":"k1","endpoint":"http://a"}}`
	next := `{"grid":{"api_key":"***","endpoint":"http://b"}}`
	if got, want := core.KeepRedacted(next, prev), `{"grid":{"api_key":"k1","endpoint":"http://b"}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
