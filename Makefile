# The two commands of the README:
#   make example   runs the nightly job on the bundled example export
#   make test      runs the tests, as CI does
# Both install what they need first (scripts/bootstrap.sh).

GO ?= go
OUT ?= out/example

.PHONY: example test bootstrap vet fmt-check fuzz build

bootstrap:
	@./scripts/bootstrap.sh

build: bootstrap
	$(GO) build -o bin/clinfuse ./cmd/clinfuse

example: build
	./bin/clinfuse run --export testdata/export --out $(OUT)

test: bootstrap vet fmt-check
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
