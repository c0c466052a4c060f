#!/usr/bin/env bash
# Builds the five SDKs as their users install them, into one folder (`make sdk-packages`):
#
#   python/polyconnect_sdk-1.0.0-py3-none-any.whl    pip install --find-links DIR/python polyconnect-sdk==1.0.0
#   typescript/polyconnect-sdk-1.0.0.tgz             npm install DIR/typescript/polyconnect-sdk-1.0.0.tgz
#   java/repository/io/polyconnect/polyconnect-sdk/1.0.0/   a Maven repository (file://DIR/java/repository)
#   go/github.com/polyconnect/polyconnect/clients/go/@v/    a GOPROXY tree (GOPROXY=file://DIR/go,...)
#   rust/polyconnect-sdk-1.0.0/                      the crate, self-contained (its protocol code inside)
#   rust/polyconnect-sdk-1.0.0.crate                 the same as `cargo package` makes it (when it can)
#   INSTALL.md                                       how to use each of them outside this repository
#
# The version of every SDK follows the protocol: major 1 speaks polyconnect.v1. Each
# package is ready for its registry (PyPI, npm, Maven Central, a Go module tag, crates.io).
#
#   SDK_PACKAGES_OUT=DIR   where to write them (default target/sdk-packages; each part is replaced)
#   SDK_PACKAGES_SKIP_M2=1 do not also install the Java SDK into ~/.m2 (mvn install)
#   SDK_PACKAGES_ONLY=python,typescript,java,go,rust   some of them only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

version=1.0.0
go_module=github.com/polyconnect/polyconnect/clients/go
out="${SDK_PACKAGES_OUT:-target/sdk-packages}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
only=",${SDK_PACKAGES_ONLY:-python,typescript,java,go,rust},"
want() { [[ "$only" == *",$1,"* ]]; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
say() { echo "sdk-packages: $*"; }

# Every SDK says the same version, or the packages would lie about what they hold.
check_version() { # FILE PATTERN
  grep -qE "$2" "$1" || { echo "sdk-packages: $1 does not say version $version ($2)" >&2; exit 1; }
}
check_version clients/python/pyproject.toml "^version = \"$version\"$"
check_version clients/python/polyconnect/__init__.py "^__version__ = \"$version\"$"
check_version clients/typescript/package.json "^  \"version\": \"$version\",$"
check_version clients/typescript/src/server.ts "SDK_VERSION = \"$version\""
check_version clients/java/pom.xml "^  <version>$version</version>$"
check_version clients/java/src/main/java/io/polyconnect/sdk/internal/Server.java "SDK_VERSION = \"$version\""
check_version clients/go/polyconnect.go "^const Version = \"$version\"$"
check_version clients/rust/Cargo.toml "^version = \"$version\"$"

if want python; then
  say "python"
  rm -rf "$out/python" && mkdir -p "$out/python"
  # Built from a copy, so the source tree gets no build/ or egg-info.
  mkdir -p "$tmp/python"
  tar -C clients/python --exclude=__pycache__ --exclude='*.egg-info' --exclude=build -cf - \
    pyproject.toml README.md polyconnect | tar -C "$tmp/python" -xf -
  python3 -m pip wheel -q --no-deps --no-build-isolation -w "$out/python" "$tmp/python" >/dev/null
  test -f "$out/python/polyconnect_sdk-$version-py3-none-any.whl"
fi

if want typescript; then
  say "typescript"
  rm -rf "$out/typescript" && mkdir -p "$out/typescript"
  [[ -d clients/typescript/node_modules ]] || (cd clients/typescript && npm ci --silent --no-audit --no-fund)
  # `npm pack` builds first (the package's prepack script).
  (cd clients/typescript && npm pack --silent --pack-destination "$out/typescript" >/dev/null)
  test -f "$out/typescript/polyconnect-sdk-$version.tgz"
fi

if want java; then
  say "java"
  rm -rf "$out/java"
  (cd clients/java && mvn -B -ntp -q -Dstyle.color=never -DskipTests package) 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d'
  # A Maven repository layout, as a remote repository serves it (checksums, metadata).
  dir="$out/java/repository/io/polyconnect/polyconnect-sdk"
  mkdir -p "$dir/$version"
  cp "clients/java/target/polyconnect-sdk-$version.jar" "$dir/$version/"
  cp clients/java/pom.xml "$dir/$version/polyconnect-sdk-$version.pom"
  (cd clients/java/src/main/java && jar cf "$dir/$version/polyconnect-sdk-$version-sources.jar" io)
  cat >"$dir/maven-metadata.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>io.polyconnect</groupId>
  <artifactId>polyconnect-sdk</artifactId>
  <versioning>
    <latest>$version</latest>
    <release>$version</release>
    <versions>
      <version>$version</version>
    </versions>
    <lastUpdated>$(date -u +%Y%m%d%H%M%S)</lastUpdated>
  </versioning>
</metadata>
EOF
  for f in "$dir/maven-metadata.xml" "$dir/$version"/*; do
    sha1sum "$f" | cut -d' ' -f1 >"$f.sha1"
    md5sum "$f" | cut -d' ' -f1 >"$f.md5"
  done
  if [[ "${SDK_PACKAGES_SKIP_M2:-0}" != 1 ]]; then
    # Into the user's local repository too, so a pom needs no <repository> at all.
    (cd clients/java && mvn -B -ntp -q -Dstyle.color=never -DskipTests install) 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d'
  fi
fi

if want go; then
  say "go"
  rm -rf "$out/go"
  at="$out/go/$go_module/@v"
  mkdir -p "$at"
  # The module zip as the go command makes it (golang.org/x/mod/zip): every file under
  # module@version/, no nested module, no tests, testdata, examples or scripts.
  python3 - "$root/clients/go" "$at/v$version.zip" "$go_module@v$version" <<'EOF'
import os, sys, zipfile
src, dest, prefix = sys.argv[1:]
files = []
for dirpath, dirnames, filenames in os.walk(src):
    rel_dir = os.path.relpath(dirpath, src)
    dirnames[:] = sorted(d for d in dirnames
                         if not d.startswith(('.', '_')) and d not in ('testdata', 'vendor', 'examples', 'scripts'))
    for f in sorted(filenames):
        if rel_dir == '.' and f in ('go.mod', 'go.sum', 'README.md', 'LICENSE'):
            pass
        elif not f.endswith('.go') or f.endswith('_test.go'):
            continue
        files.append(os.path.normpath(os.path.join(rel_dir, f)))
with zipfile.ZipFile(dest, 'w', zipfile.ZIP_DEFLATED) as z:
    for f in files:
        info = zipfile.ZipInfo(f"{prefix}/{f}", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(src, f), 'rb') as fh:
            z.writestr(info, fh.read())
EOF
  cp clients/go/go.mod "$at/v$version.mod"
  printf '{"Version":"v%s","Time":"%s"}\n' "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$at/v$version.info"
  echo "v$version" >"$at/list"
fi

if want rust; then
  say "rust"
  rm -rf "$out/rust" && mkdir -p "$out/rust"
  # The protocol's generated code goes into the crate, so its users need no protoc and no
  # polyconnect-proto: polyconnect-proto's build script output, taken from cargo itself.
  gen="$(cargo build -q -p polyconnect-proto --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "build-script-executed" and "polyconnect-proto" in m["package_id"]:
        print(m["out_dir"])
')"
  [[ -f "$gen/polyconnect.v1.rs" ]] || { echo "sdk-packages: polyconnect-proto's generated code not found" >&2; exit 1; }
  crate="$tmp/polyconnect-sdk-$version"
  mkdir -p "$crate/src/polyconnect_proto"
  cp -r clients/rust/src/. "$crate/src/"
  cp clients/rust/README.md "$crate/"
  cp "$gen/polyconnect.v1.rs" "$crate/src/polyconnect_proto/polyconnect.v1.rs"
  sed 's|tonic::include_proto!("polyconnect.v1");|include!("polyconnect.v1.rs");|' proto/src/lib.rs \
    >"$crate/src/polyconnect_proto/mod.rs"
  grep -q 'include!("polyconnect.v1.rs")' "$crate/src/polyconnect_proto/mod.rs"
  # The SDK's modules name the protocol crate; here it is a module of the crate.
  find "$crate/src" -name '*.rs' -exec sed -i 's/\bpolyconnect_proto::/crate::polyconnect_proto::/g' {} +
  printf '%s\n' '' '/// The protocol (`polyconnect.v1`): the code polyconnect-proto generates, packaged here.' \
    '#[allow(unreachable_pub, dead_code)]' 'mod polyconnect_proto;' >>"$crate/src/lib.rs"
  python3 - "$root" "$crate/Cargo.toml" <<'EOF'
import sys, tomllib
root, dest = sys.argv[1:]
ws = tomllib.load(open(f"{root}/Cargo.toml", "rb"))
sdk = tomllib.load(open(f"{root}/clients/rust/Cargo.toml", "rb"))
proto = tomllib.load(open(f"{root}/proto/Cargo.toml", "rb"))
wsp, wsd = ws["workspace"]["package"], ws["workspace"]["dependencies"]

def resolve(spec):
    if isinstance(spec, str):
        return {"version": spec}
    spec = dict(spec)
    if spec.pop("workspace", False):
        base = wsd[name]
        base = {"version": base} if isinstance(base, str) else dict(base)
        feats = base.get("features", []) + spec.pop("features", [])
        base.update(spec)
        if feats:
            base["features"] = feats
        spec = base
    return spec

def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace('\\', '\\\\').replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(v)

deps = {}
for name, spec in sdk["dependencies"].items():
    if name == "polyconnect-proto":
        continue
    deps[name] = resolve(spec)
for name, spec in proto["dependencies"].items():
    deps.setdefault(name, resolve(spec))

pkg = sdk["package"]
lines = ["# The Polyconnect SDK for Rust, packaged by scripts/sdk-packages.sh: the protocol's",
         "# generated code is in src/polyconnect_proto, so building it needs no protoc.",
         "[package]"]
for key in ["name", "version", "description", "edition", "rust-version", "license",
            "repository", "readme", "keywords", "categories"]:
    v = pkg.get(key)
    if isinstance(v, dict) and v.get("workspace"):
        v = wsp[key]
    if v is not None:
        lines.append(f"{key} = {value(v)}")
lines += ["", "[dependencies]"]
for name, spec in deps.items():
    body = ", ".join(f"{k} = {value(v)}" for k, v in spec.items())
    lines.append(f"{name} = {{ {body} }}")
lines += ["", "[features]"]
for name, feats in sdk["features"].items():
    lines.append(f"{name} = {value(feats)}")
lines += ["", "# A workspace of its own wherever it is unpacked.", "[workspace]", ""]
open(dest, "w").write("\n".join(lines))
EOF
  cp -r "$crate" "$out/rust/"
  # The .crate as crates.io takes it: needs crates.io's index (a network, or cargo's cache).
  if (cd "$crate" && cargo package -q --allow-dirty --no-verify --target-dir "$tmp/crate-target" >/dev/null 2>"$tmp/package.log"); then
    cp "$tmp/crate-target/package/polyconnect-sdk-$version.crate" "$out/rust/"
  else
    say "rust: no .crate file (cargo package: $(tail -n 1 "$tmp/package.log"))"
  fi
fi

cp docs/sdk-packages.md "$out/INSTALL.md"
say "done: $out"
