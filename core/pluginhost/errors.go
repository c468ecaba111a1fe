package pluginhost

import (
	"errors"

	"github.com/renda-platform/renda/core"
)

func asCore(err error) (*core.Error, bool) {
	var ce *core.Error
	ok := errors.As(err, &ce)
	return ce, ok
}
