# Renda's developer commands. `make test` is what CI runs (.ci/run); it
# needs PostgreSQL on 127.0.0.1:5432 with trust auth (RENDA_TEST_POSTGRES_URL
# points the tests elsewhere).

GO       ?= go
FUZZTIME ?= 15s

.PHONY: test run bench fuzz generate build web web-test

WEB := api/web/app

## test: vet, then every test on SQLite and PostgreSQL with the race detector,
##       then the web app's tests (web-test).
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 25m ./...
	$(MAKE) web-test

## web: build the web console into api/web/dist (embedded by the renda binary).
web:
	cd $(WEB) && npm ci --no-audit --no-fund && npm run build

## web-test: the web app's component tests (vitest), then the end-to-end
##           test in Debian's chromium against a real server (screenshots in
##           api/web/app/test-results/e2e).
web-test: web
	cd $(WEB) && npm test
	cd $(WEB) && GO=$(GO) npm run e2e

## run: serve the demo on http://127.0.0.1:8080 (embedded store, seeded on first start;
##      --dev because the session cookie cannot be Secure over plain HTTP).
run: web
	$(GO) build -o data/scenes/renda-noticeboard ./cmd/renda-noticeboard
	$(GO) build -o data/scenes/renda-issues ./cmd/renda-issues
	$(GO) build -o data/scenes/renda-voting ./cmd/renda-voting
	$(GO) build -o data/gridsim ./cmd/gridsim
	@data/gridsim --addr 127.0.0.1:8090 --api-key demo-grid-key --accept-after 20s --resolve-after 1m --state data/gridsim.json & \
	GRIDSIM=$$!; trap 'kill $$GRIDSIM' EXIT INT TERM; \
	$(GO) run ./cmd/renda serve --demo --dev --scene data/scenes/renda-noticeboard --scene data/scenes/renda-issues --scene data/scenes/renda-voting

## bench: run the benchmarks only.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

## fuzz: run each fuzz target for FUZZTIME (go test fuzzes one target at a time).
fuzz:
	@set -e; for file in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
		for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/p' $$file); do \
			echo "fuzz $$target in $$(dirname $$file) for $(FUZZTIME)"; \
			$(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) $$(dirname $$file); \
		done; \
	done

## generate: run the go:generate directives.
generate:
	$(GO) generate ./...

## build: build the renda binary into bin/, with the version from git.
build:
	$(GO) build -ldflags "-X main.version=$$(git describe --tags --always --dirty 2>/dev/null || echo dev)" -o bin/renda ./cmd/renda
