package api_test

import (
	"os"
	"testing"
)

// TestMain removes the scene binaries the runtime tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}
