# graphrun: build, test, benchmark and demo.

GO      ?= go
BIN     ?= bin/graphrun
DOC     ?= examples/biology_openstax-biology-2e_4-3-eukaryotic-cells.md
BENCH   ?= .
export PATH := $(PATH):/usr/local/go/bin

.PHONY: build test vet fmt-check lint bench demo demo-faults clean

build:
	$(GO) build -o $(BIN) ./cmd/graphrun

# test is what CI runs: formatting, vet, then every test under the race
# detector.
test: fmt-check vet
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# lint checks formatting, vet, and that the shipped graphs validate with
# the functions the CLI registers. The fixtures in testdata/graphs/valid
# name test-only functions (demo.*, content.*), so the graph package's tests
# validate them with their own registry instead (make test runs them).
lint: fmt-check vet
	$(GO) run ./cmd/graphrun validate graphs/*.yaml

bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem ./...

# demo runs the README's main command: the MCQ graph on a real document,
# offline unless a model is configured.
demo:
	$(GO) run ./cmd/graphrun run graphs/mcq.yaml --set document=$(DOC)

# demo-faults runs the same graph against the model simulator with 30%
# injected faults, so you can watch it recover.
demo-faults:
	./scripts/demo-faults.sh $(DOC)

clean:
	rm -rf bin graphrun.db graphrun.db-wal graphrun.db-shm
