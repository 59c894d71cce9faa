# opdis: `make run` starts a server on 127.0.0.1:6379, `make test` runs every test.
GO      ?= go
BIN     := bin/opdis-server
PORT    ?= 6379
TIMEOUT ?= 30m

.PHONY: all build run test deps bench bench-persist bench-repl difftest sim fmt vet clean

all: build

build:
	@mkdir -p bin
	$(GO) build -o $(BIN) ./cmd/opdis-server

run: build
	@mkdir -p data
	./$(BIN) --bind 127.0.0.1 --port $(PORT) --dir ./data

# Tests start real redis-server / redis-cli processes: install them first.
test: deps
	$(GO) vet ./...
	$(GO) test -timeout $(TIMEOUT) ./...
	$(GO) test -tags simbugs -run 'TestChecksCatchBugs|TestRapidShrinksToTheBug' ./sim/...

deps:
	scripts/install-deps.sh

bench: deps build
	scripts/bench.sh

# AOF/snapshot figures against redis-server (issue 3): appendonly throughput,
# AOF load rate, BGSAVE time and pause.
bench-persist: deps build
	scripts/bench-persist.sh

# Replication figures against redis-server (issue 5): a master with two
# replicas under redis-benchmark, and a new replica's full-sync time.
bench-repl: deps build
	scripts/bench-repl.sh

# The long differential sweep against a real redis-server (make test runs a short one).
DIFFTEST_CHECKS ?= 5000
difftest: deps
	DIFFTEST_CHECKS=$(DIFFTEST_CHECKS) $(GO) test -count=1 -timeout 3h -run TestDifferential ./difftest

# A long simulator sweep (make test runs 200 seeds); SIM_RANGE=A..B chooses the seeds.
SIM_RANGE ?= 1..20000
sim:
	$(GO) run ./cmd/opdis-sim -seeds $(SIM_RANGE)

fmt:
	gofmt -w .

vet:
	$(GO) vet ./...

clean:
	rm -rf bin
