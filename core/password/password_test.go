package password_test

import (
	"strings"
	"testing"

	"github.com/renda-platform/renda/core/password"
)

func TestHashVerify(t *testing.T) {
	h, err := password.Hash("correct horse battery", password.Fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("got hash %q, want argon2id PHC string", h)
	}
	tests := []struct {
		pw   string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := password.Verify(tt.pw, h)
		if err != nil || got != tt.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tt.pw, got, err, tt.want)
		}
	}
	h2, _ := password.Hash("correct horse battery", password.Fast)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt is not random")
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=64,t=1,p=1$!!$AA"} {
		if _, err := password.Verify("pw", enc); err == nil {
			t.Errorf("Verify(%q): got nil error, want ErrMalformed", enc)
		}
	}
}
