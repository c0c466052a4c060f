# Polyconnect: the two commands that matter are `make demo` and `make test`.
.PHONY: demo test setup build release kafka-up kafka-down bench bench-transforms bench-memory clean conformance soak

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

bench: ## source throughput through the core vs. the raw producer (not part of `make test`)
	bash scripts/bench.sh

conformance: ## the protocol conformance kit against every SDK's example connectors
	bash scripts/conformance.sh

soak: ## the fault scenarios again and again for SOAK_MINUTES (default 10), a steady stream alongside; a summary table (not part of `make test`)
	bash scripts/soak.sh

bench-transforms: ## per-record cost of a chain of five SMTs (criterion; not part of `make test`)
	cargo bench -p polyconnect --bench transforms

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
