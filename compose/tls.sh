#!/usr/bin/env bash
# Makes the TLS material of the mutual-TLS variant (compose/docker-compose.tls.yml) in
# compose/tls/: a CA, the file-sink container's certificate (for the name file-sink),
# and the core's client certificate and key in one PEM file (its keystore). Kept when it
# exists; `rm -r compose/tls` makes a new set. Demo material: the keys are readable by
# the containers' user, and the CA's key stays beside them.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tls"
[[ -s "$dir/core.pem" ]] && exit 0
mkdir -p "$dir"
cd "$dir"
printf 'subjectAltName=DNS:file-sink\nextendedKeyUsage=serverAuth\n' >server.ext
printf 'extendedKeyUsage=clientAuth\n' >client.ext
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=polyconnect-demo-ca \
  -keyout ca.key -out ca.pem 2>/dev/null
issue() { # issue NAME CN EXT
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 \
    -extfile "$3" -out "$1.pem" 2>/dev/null
  rm "$1.csr"
}
issue file-sink file-sink server.ext
issue core-client polyconnect-core client.ext
cat core-client.key core-client.pem >core.pem
rm core-client.key core-client.pem server.ext client.ext
chmod 644 ./*
echo "compose/tls: CA, file-sink certificate and the core's client certificate in $dir" >&2
