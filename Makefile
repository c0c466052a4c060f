# Polyconnect: the two commands that matter are `make demo` and `make test`.
.PHONY: demo test setup build release kafka-up kafka-down bench bench-rebalance bench-transforms bench-converters bench-memory clean conformance soak sdk-packages

demo: ## Kafka, the core and the file connectors on a demo file
	bash scripts/demo.sh

test: ## every test: unit, property and end to end on a real Kafka broker
	bash scripts/test.sh

setup: ## install what a fresh machine needs (Debian packages, Python packages, Kafka jars)
	bash scripts/setup.sh

build:
	cargo build --workspace --bins

release:
	cargo build --release --workspace --bins

kafka-up: ## a single-node Apache Kafka broker on 127.0.0.1:9092
	bash scripts/kafka.sh up

kafka-down:
	bash scripts/kafka.sh down

bench: ## Polyconnect vs Apache Kafka Connect side by side, SDK sources and sinks, tracing cost (not part of `make test`)
	bash scripts/bench.sh
# `make bench` knobs (environment; all in scripts/bench.sh): BENCH_ONLY=compare,eos,source,sink,tracing,transforms,registry
# (default all), BENCH_RECORDS (N at 100 B, default 500000), BENCH_RECORDS_1K (default N/4),
# BENCH_ROUNDS (default 3), BENCH_PIPELINES=e2e,source,sink,footprint, BENCH_SIZES=100,1024,
# BENCH_TASKS=1,4, BENCH_RUNTIMES=polyconnect,kafka-connect, BENCH_IDLE_SECS (default 20).
# The comparison table is also written to target/bench/compare.md (BENCH_OUT).

bench-rebalance: ## three-worker clusters, Polyconnect's and Kafka Connect's: a dead worker's tasks RUNNING elsewhere, 500 connectors x 4 tasks placed (not part of `make test`)
	BENCH_ONLY=rebalance bash scripts/bench.sh
# `make bench-rebalance` knobs: BENCH_REBALANCE_PARTS=kill,assign, BENCH_REBALANCE_CONNECTORS (default
# 500), BENCH_REBALANCE_TASKS (default 4), BENCH_REBALANCE_DATAGEN=1, BENCH_RUNTIMES, BENCH_KC_HEAP_OPTS.
# The table is also written to target/bench/rebalance.md (BENCH_REBALANCE_OUT).

sdk-packages: ## the five SDKs as packages (wheel, npm tarball, Maven repository, Go proxy tree, crate) in target/sdk-packages (SDK_PACKAGES_OUT)
	bash scripts/sdk-packages.sh

conformance: ## the protocol conformance kit against every SDK's example connectors
	bash scripts/conformance.sh

soak: ## the fault scenarios again and again for SOAK_MINUTES (default 10), a steady stream alongside; a summary table (not part of `make test`)
	bash scripts/soak.sh

bench-transforms: ## per-record cost of a chain of five SMTs (criterion; not part of `make test`)
	cargo bench -p polyconnect --bench transforms

bench-converters: ## per-record cost of the AvroConverter, JsonSchemaConverter and ProtobufConverter beside JsonConverter (criterion; not part of `make test`)
	cargo bench -p polyconnect --bench converters

bench-memory: ## the core's peak RSS with a 1 GiB backlog behind a paused, then draining sink (not part of `make test`)
	bash scripts/kafka.sh up
	cargo build --release -p polyconnect --bins
	POLYCONNECT_POLYCONNECT_BIN=$(CURDIR)/target/release/polyconnect BACKLOG_MB=$${BACKLOG_MB:-1024} \
	  POLYCONNECT_TEST_BOOTSTRAP=127.0.0.1:9092 cargo test --release -p polyconnect-e2e --test sink_memory -- --nocapture

clean:
	cargo clean

.PHONY: images compose-test
images: ## every Docker image of compose/docker-compose.yml, built offline (scripts/docker.sh)
	bash scripts/docker.sh images

compose-test: ## the compose stack from those images, tested end to end (starts dockerd if needed)
	bash scripts/compose-test.sh
