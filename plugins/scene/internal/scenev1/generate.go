// Package scenev1 is the generated code of protocol scene.v1 (scene.proto).
// It is internal: plugins and the host use the Go types of package scene,
// which convert to and from these messages.
//
// Regenerate with `go generate ./...` (buf and the protoc plugins are tools
// pinned in go.mod, so no protoc installation is needed).
package scenev1

//go:generate go tool buf generate
