// Command renda-voting is the livelihood-project voting scene plugin (民生实事项目票决).
// The host starts it; run by hand it says so and exits.
package main

import (
	"github.com/renda-platform/renda/plugins/livelihoodvoting"
	"github.com/renda-platform/renda/plugins/scene"
)

// version is set at build time: -ldflags "-X main.version=1.1.0".
var version = "0.1.0"

func main() { scene.Serve(livelihoodvoting.New(version)) }
