// Package web embeds the built web console and deputy portal (the Vite
// output of app/, written to dist/) into the renda binary. The source is in
// app/; dist/ holds only .gitkeep in a clean checkout, so the binary builds
// without Node and serves the API's plain home page instead.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Assets returns the built app and whether it was built (dist/index.html
// exists). The file system is rooted at dist/.
func Assets() (fs.FS, bool) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, false
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return sub, false
	}
	return sub, true
}
