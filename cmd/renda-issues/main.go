// Command renda-issues is the issue-supervision scene plugin (代表督事).
// The host starts it; run by hand it says so and exits.
package main

import (
	"github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/scene"
)

// version is set at build time: -ldflags "-X main.version=1.1.0".
var version = "0.1.0"

func main() { scene.Serve(issuesupervision.New(version)) }
