# The two commands: `make run` serves the demo partnership, `make test` runs every test.
# Everything else here is what those two need.

GO      ?= go
BIN     := bin/joinedup
STATIC  := internal/web/static/build
FRONT   := internal/web/frontend
GOVUK   := node_modules/govuk-frontend/dist/govuk

.PHONY: run test build assets bench vet clean

## run: build, create ./data/joinedup.db, load the demo partnership on first start, serve http://127.0.0.1:8080
run: build
	./$(BIN) serve --demo --db data/joinedup.db --addr 127.0.0.1:8080

## test: every test, on SQLite and PostgreSQL, with the browser tests (needs Chromium and PostgreSQL; see README)
test: assets vet
	$(GO) test -count=1 -timeout 60m ./...

build: assets
	$(GO) build -o $(BIN) ./cmd/joinedup

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }

# npm ci only when the lockfile changed since the last install.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# GOV.UK Frontend compiled from its Sass with our settings (a system font: GDS Transport is only for GOV.UK),
# plus its JavaScript; embedded into the binary by internal/web.
assets: $(STATIC)/.built
$(STATIC)/.built: node_modules/.package-lock.json $(wildcard $(FRONT)/*)
	rm -rf $(STATIC) && mkdir -p $(STATIC)
	npx --no-install sass --quiet --no-source-map --style=compressed --load-path=node_modules $(FRONT)/app.scss $(STATIC)/app.css
	cp $(GOVUK)/govuk-frontend.min.js $(FRONT)/app.js $(STATIC)/
	touch $@

## bench: the benchmarks recorded in docs/benchmarks.md
bench: assets
	$(GO) test -run '^$$' -bench . -benchtime 3x -timeout 60m ./...

clean:
	rm -rf bin $(STATIC) node_modules
