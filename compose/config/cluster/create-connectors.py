#!/usr/bin/env python3
"""Create (or update) connectors through a worker's REST API.

    create-connectors.py [--rest URL]... [--timeout SECONDS] FILE...

Each FILE is a connector file as `polyconnect standalone` takes it in JSON
(`{"name": ..., "config": {...}}`, e.g. compose/config/connectors/*.json); it is sent
as `PUT /connectors/{name}/config`, which creates the connector or updates its config,
so running this again is harmless. In a cluster any worker takes the request (a
follower forwards it to the leader). The URLs given with --rest (default
http://localhost:8083) are tried in turn until one answers; a worker that is still
starting, or a group in the middle of a rebalance (409), is retried until --timeout.

Standard library only: it runs on the host and in the file connector image.
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def put(url, body):
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def create(rests, name, config, deadline):
    path = "/connectors/" + urllib.parse.quote(name, safe="") + "/config"
    last = None
    while True:
        for rest in rests:
            try:
                code, body = put(rest.rstrip("/") + path, config)
            except (OSError, urllib.error.URLError) as e:
                last = f"{rest}: {e}"
                continue
            if code in (200, 201):
                print(f"{name}: {'created' if code == 201 else 'updated'} through {rest}", flush=True)
                return
            last = f"{rest}: HTTP {code} {body.strip()}"
            # 409: no leader known yet or a rebalance in progress; 5xx: starting up.
            if code != 409 and code < 500:
                sys.exit(f"{name}: {last}")
        if time.monotonic() > deadline:
            sys.exit(f"{name}: not created before the timeout; last answer: {last}")
        time.sleep(2)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rest", action="append", metavar="URL",
                   help="a worker's REST URL (repeatable; default http://localhost:8083)")
    p.add_argument("--timeout", type=float, default=120, metavar="SECONDS")
    p.add_argument("files", nargs="+", metavar="FILE")
    a = p.parse_args()
    rests = a.rest or ["http://localhost:8083"]
    deadline = time.monotonic() + a.timeout
    for f in a.files:
        with open(f) as fh:
            c = json.load(fh)
        if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not isinstance(c.get("config"), dict):
            sys.exit(f'{f}: expected {{"name": ..., "config": {{...}}}}')
        create(rests, c["name"], c["config"], deadline)


if __name__ == "__main__":
    main()
