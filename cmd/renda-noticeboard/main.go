// Command renda-noticeboard is the notice-board scene plugin. The host
// starts it; run by hand it says so and exits.
package main

import (
	"github.com/renda-platform/renda/plugins/noticeboard"
	"github.com/renda-platform/renda/plugins/scene"
)

// version is set at build time: -ldflags "-X main.version=1.1.0".
var version = "1.0.0"

func main() { scene.Serve(noticeboard.New(version)) }
