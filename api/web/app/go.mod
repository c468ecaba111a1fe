// The web app's npm tree (node_modules) may hold .go files; this empty
// module keeps them out of the renda module's ./... patterns.
module renda-web-app-ignore

go 1.26
