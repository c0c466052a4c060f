#!/usr/bin/env bash
# Docker images for compose/docker-compose.yml, built offline: no image registry is
# needed. Base images come from debootstrap (Debian packages) + `docker import`; the
# core, the connectors, Kafka and Jaeger are built on the host from the project's
# registries (cargo, PyPI, Maven Central, the Go module proxy) and copied into them.
#
#   scripts/docker.sh engine-up     start dockerd if none answers, wait until it is ready
#   scripts/docker.sh engine-down   stop the dockerd that engine-up started (only that one)
#   scripts/docker.sh base          the base images polyconnect/base:{runtime,python,jre}
#   scripts/docker.sh images [NAME...]  the images (default: all, base included) and
#                                   compose/.env naming them; NAME: core, kafka, jaeger,
#                                   connector-file, connector-rust-test
#   scripts/docker.sh env           print the env file compose/.env (image names)
#
# Environment: POLYCONNECT_CACHE (default ~/.cache/polyconnect) keeps the debootstrap
# tarballs, the Python wheels and the Jaeger build; POLYCONNECT_DOCKER_STATE (default
# /tmp/polyconnect-docker) the build contexts and the dockerd we start; DEBIAN_MIRROR,
# DEBIAN_SUITE (bookworm); JAEGER_MODULE_VERSION (v1.76.0, i.e. Jaeger v2.13.0).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
CACHE_DIR="${POLYCONNECT_CACHE:-$HOME/.cache/polyconnect}"
DOCKER_CACHE="$CACHE_DIR/docker"
STATE_DIR="${POLYCONNECT_DOCKER_STATE:-/tmp/polyconnect-docker}"
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
JAEGER_MODULE_VERSION="${JAEGER_MODULE_VERSION:-v1.76.0}"
JAEGER_VERSION="${JAEGER_VERSION:-2.13.0}"
# Keep in step with clients/python/scripts/install-deps.sh.
PY_DEPS=("grpcio>=1.85.1" "protobuf>=7.35.1,<8" "opentelemetry-sdk>=1.45.2" "opentelemetry-exporter-otlp-proto-grpc>=1.45.2")
TAG="${POLYCONNECT_IMAGE_TAG:-dev}"

say() { printf 'docker: %s\n' "$*" >&2; }
die() { printf 'docker: error: %s\n' "$*" >&2; exit 1; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------- the engine

engine_ready() { docker info >/dev/null 2>&1; }

install_debs() { # install_debs PKG...: the Debian packages that are missing
  local need=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  ((${#need[@]})) || return 0
  say "installing Debian packages: ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
}

cmd_engine_up() {
  engine_ready && { say "engine already running"; return 0; }
  command -v dockerd >/dev/null || install_debs docker.io
  command -v docker >/dev/null || install_debs docker.io
  mkdir -p "$STATE_DIR"
  say "starting dockerd (log: $STATE_DIR/dockerd.log)"
  # No iptables (not every machine allows it; containers need no outside network) and
  # vfs (works on any filesystem, including overlay-in-overlay).
  rm -f "$STATE_DIR/dockerd.pid"
  # dockerd writes its own pid to our pid file: engine-down stops only that one.
  as_root setsid dockerd --iptables=false --storage-driver=vfs --pidfile "$STATE_DIR/dockerd.pid" \
    </dev/null >"$STATE_DIR/dockerd.log" 2>&1 &
  local launcher=$!
  local deadline=$((SECONDS + 60))
  until engine_ready; do
    kill -0 "$launcher" 2>/dev/null ||
      { tail -n 30 "$STATE_DIR/dockerd.log" >&2; die "dockerd exited"; }
    ((SECONDS < deadline)) || { tail -n 30 "$STATE_DIR/dockerd.log" >&2; die "dockerd not ready after 60s"; }
    sleep 0.5
  done
  say "engine ready"
}

cmd_engine_down() {
  local pidfile="$STATE_DIR/dockerd.pid" pid
  [[ -f "$pidfile" ]] || { say "no dockerd started by this script"; return 0; }
  pid="$(cat "$pidfile")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
      tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "^dockerd .*--pidfile $pidfile"; then
    say "stopping dockerd (pid $pid)"
    as_root kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < 300)); do sleep 0.1; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then as_root kill -KILL "$pid"; fi
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- base images

# Packages of each base variant beyond debootstrap's minbase.
base_packages() {
  case "$1" in
    runtime) echo "ca-certificates,curl,libcurl4,tini,libsasl2-2" ;;
    python) echo "ca-certificates,curl,tini,python3" ;;
    jre) echo "ca-certificates,curl,tini,openjdk-17-jre-headless" ;;
    *) die "unknown base variant $1" ;;
  esac
}

debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  # The mirror apt already uses on this machine (deb822 or one-line sources).
  local m
  m="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1)"
  [[ -n "$m" ]] || m="$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
    awk '{print $2}' | grep -v security | head -n1)"
  echo "${m:-http://deb.debian.org/debian}"
}

# base_tarball VARIANT: a root filesystem tarball, cached by suite and package list.
base_tarball() {
  local variant="$1" pkgs key tarball root
  pkgs="$(base_packages "$variant")"
  key="$(printf '%s %s' "$DEBIAN_SUITE" "$pkgs" | sha256sum | cut -c1-12)"
  tarball="$DOCKER_CACHE/base-$variant-$DEBIAN_SUITE-$key.tar"
  if [[ ! -s "$tarball" ]]; then
    command -v debootstrap >/dev/null || install_debs debootstrap
    mkdir -p "$DOCKER_CACHE/debs" "$STATE_DIR"
    root="$STATE_DIR/rootfs-$variant"
    as_root rm -rf "$root"
    say "debootstrap $DEBIAN_SUITE ($variant: $pkgs) from $(debian_mirror)"
    as_root debootstrap --variant=minbase --include="$pkgs" --cache-dir="$DOCKER_CACHE/debs" \
      "$DEBIAN_SUITE" "$root" "$(debian_mirror)" >"$STATE_DIR/debootstrap-$variant.log" 2>&1 ||
      { tail -n 30 "$STATE_DIR/debootstrap-$variant.log" >&2; die "debootstrap failed"; }
    # What a container never needs: package caches, docs, man pages, locales.
    as_root rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
      "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
      "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old
    as_root tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
    as_root rm -rf "$root"
    mv "$tarball.tmp" "$tarball"
  fi
  echo "$tarball"
}

cmd_base() {
  cmd_engine_up
  local variant tarball
  for variant in runtime python jre; do
    tarball="$(base_tarball "$variant")"
    local label
    label="$(basename "$tarball" .tar)"
    if [[ "$(docker image inspect -f '{{index .Config.Labels "polyconnect.base"}}' \
        "polyconnect/base:$variant" 2>/dev/null)" == "$label" ]]; then
      continue
    fi
    say "importing polyconnect/base:$variant"
    docker import --change "LABEL polyconnect.base=$label" \
      --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' "$tarball" "polyconnect/base:$variant" >/dev/null
  done
}

# ---------------------------------------------------------------- host artifacts

# The core and the Rust connector, built with cargo on the host: release by default
# (`make release`'s command); POLYCONNECT_DOCKER_PROFILE=debug reuses the debug build of
# `make test` (same command, so nothing is rebuilt), stripped of debug info;
# POLYCONNECT_DOCKER_BIN_DIR takes the binaries from a directory instead of building.
PROFILE="${POLYCONNECT_DOCKER_PROFILE:-release}"
rust_built=0
rust_binary() { # rust_binary NAME: the path of the built binary NAME
  local dir="${POLYCONNECT_DOCKER_BIN_DIR:-$REPO_DIR/target/$PROFILE}"
  if ((!rust_built)) && [[ -z "${POLYCONNECT_DOCKER_BIN_DIR:-}" ]]; then
    local cmd=(cargo build --workspace --bins --locked)
    if [[ "$PROFILE" == release ]]; then cmd+=(--release); else cmd+=(--tests); fi
    say "${cmd[*]}"
    (cd "$REPO_DIR" && nice "${cmd[@]}" >&2)
    rust_built=1
  fi
  [[ -x "$dir/$1" ]] || die "no $1 in $dir"
  mkdir -p "$STATE_DIR/bin"
  objcopy --strip-debug "$dir/$1" "$STATE_DIR/bin/$1"
  echo "$STATE_DIR/bin/$1"
}

# grpcio and protobuf as wheels for the image's Python (Debian's 3.11, x86_64 glibc),
# installed into a directory that the image puts on PYTHONPATH.
python_deps() {
  local key dir
  key="$(printf '%s ' "${PY_DEPS[@]}" | sha256sum | cut -c1-12)"
  dir="$DOCKER_CACHE/pydeps-cp311-$key"
  if [[ ! -f "$dir/.complete" ]]; then
    say "pip: ${PY_DEPS[*]} for CPython 3.11 into $dir"
    rm -rf "$dir.tmp"
    python3 -m pip install --quiet --disable-pip-version-check --no-input --no-compile \
      --target "$dir.tmp" --only-binary=:all: --python-version 3.11 --implementation cp \
      --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 "${PY_DEPS[@]}" >&2
    touch "$dir.tmp/.complete"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

# Jaeger v2 (cmd/jaeger: all-in-one, OTLP in, UI/API) built from its Go module. The
# module has a replace directive, so `go install pkg@version` refuses it; it is built as
# the main module instead, from the module proxy's copy.
jaeger_binary() {
  local bin="$DOCKER_CACHE/jaeger-$JAEGER_MODULE_VERSION"
  if [[ ! -x "$bin" ]]; then
    command -v go >/dev/null || die "go is needed to build Jaeger"
    say "building Jaeger $JAEGER_MODULE_VERSION from the Go module proxy (a few minutes)"
    local mod src
    mod="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json \
      "github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
    [[ -d "$mod" ]] || die "go mod download of jaeger $JAEGER_MODULE_VERSION failed"
    src="$STATE_DIR/jaeger-src"
    rm -rf "$src"
    cp -r "$mod" "$src"
    chmod -R u+w "$src"
    (cd "$src" && CGO_ENABLED=0 nice go build -trimpath -ldflags="-s -w" -o "$bin.tmp" ./cmd/jaeger)
    mv "$bin.tmp" "$bin"
    rm -rf "$src"
  fi
  echo "$bin"
}

# ---------------------------------------------------------------- images

# build IMAGE DOCKERFILE_DIR CONTEXT: docker build from a staged context directory.
build() {
  local image="$1" dir="$2" ctx="$3"
  cp -r "$dir/." "$ctx/"
  say "building $image"
  # The legacy builder (no buildx here) warns about itself on every build.
  docker build -q -t "$image" "$ctx" 2> >(grep -v -e DEPRECATED -e 'legacy builder' \
    -e buildx -e '^ *$' >&2) >/dev/null
  rm -rf "$ctx"
}

context() { # context NAME: a fresh, empty build context directory
  local ctx="$STATE_DIR/context/$1"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  echo "$ctx"
}

# One function per image: image_<name> stages its context and builds it.
image_core() {
  local ctx
  ctx="$(context core)"
  cp "$(rust_binary polyconnect)" "$ctx/polyconnect"
  build "polyconnect/core:$TAG" "$REPO_DIR/docker/core" "$ctx"
}

image_connector_rust_test() {
  local ctx
  ctx="$(context connector-rust-test)"
  cp "$(rust_binary polyconnect-test-connector)" "$ctx/polyconnect-test-connector"
  build "polyconnect/connector-rust-test:$TAG" "$REPO_DIR/docker/connector-rust-test" "$ctx"
}

image_connector_file() {
  local ctx pydeps
  pydeps="$(python_deps)"
  ctx="$(context connector-file)"
  mkdir -p "$ctx/python"
  cp -r "$pydeps/." "$ctx/python/"
  rm -f "$ctx/python/.complete"
  cp -r "$REPO_DIR/clients/python/polyconnect" "$REPO_DIR/connectors/file/polyconnect_file" "$ctx/python/"
  find "$ctx/python" -name __pycache__ -prune -exec rm -rf {} +
  build "polyconnect/connector-file:$TAG" "$REPO_DIR/docker/connector-file" "$ctx"
}

image_kafka() {
  local ctx kafka_lib
  kafka_lib="$(bash "$SCRIPT_DIR/kafka.sh" lib-dir)"
  ctx="$(context kafka)"
  mkdir -p "$ctx/libs"
  cp "$kafka_lib"/*.jar "$ctx/libs/"
  cp "$SCRIPT_DIR/kafka/log4j2-broker.properties" "$SCRIPT_DIR/kafka/log4j2-tools.properties" "$ctx/"
  build "polyconnect/kafka:$(kafka_version)" "$REPO_DIR/docker/kafka" "$ctx"
}

image_jaeger() {
  local ctx
  ctx="$(context jaeger)"
  cp "$(jaeger_binary)" "$ctx/jaeger"
  build "polyconnect/jaeger:$JAEGER_VERSION" "$REPO_DIR/docker/jaeger" "$ctx"
}

IMAGES=(core connector-rust-test connector-file kafka jaeger)

cmd_images() { # cmd_images [NAME...]: the named images (default: all), then compose/.env
  local started=$SECONDS name
  (($#)) || set -- "${IMAGES[@]}"
  cmd_base
  for name in "$@"; do
    [[ " ${IMAGES[*]} " == *" $name "* ]] || die "unknown image '$name' (one of: ${IMAGES[*]})"
  done
  for name in "$@"; do "image_${name//-/_}"; done
  write_env >"$REPO_DIR/compose/.env"
  say "images built in $((SECONDS - started))s; compose/.env names them"
}

# The Kafka version scripts/kafka.sh fetches (its KAFKA_VERSION default, or the variable).
kafka_version() {
  echo "${KAFKA_VERSION:-$(sed -n 's/^KAFKA_VERSION="\${KAFKA_VERSION:-\(.*\)}"$/\1/p' "$SCRIPT_DIR/kafka.sh")}"
}

write_env() {
  cat <<EOF
# Written by scripts/docker.sh: the images built on this machine.
POLYCONNECT_IMAGE=polyconnect/core:$TAG
FILE_CONNECTOR_IMAGE=polyconnect/connector-file:$TAG
RUST_CONNECTOR_IMAGE=polyconnect/connector-rust-test:$TAG
KAFKA_IMAGE=polyconnect/kafka:$(kafka_version)
JAEGER_IMAGE=polyconnect/jaeger:$JAEGER_VERSION
EOF
}

cmd_env() { cat "$REPO_DIR/compose/.env"; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

case "${1:-}" in
  engine-up) cmd_engine_up ;;
  engine-down) cmd_engine_down ;;
  base) cmd_base ;;
  images) shift; cmd_images "$@" ;;
  env) cmd_env ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
