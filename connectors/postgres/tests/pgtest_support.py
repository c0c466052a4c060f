"""Puts the PostgreSQL connector and the SDK on sys.path (the layout the plugin manifest's
PYTHONPATH gives), runs a private PostgreSQL server (scripts/test-cluster.sh), and offers a
stand-in task context that records errant records."""

import os
import socket
import subprocess
import sys

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SDK_DIR = os.path.normpath(os.path.join(PLUGIN_DIR, "..", "..", "clients", "python"))
for p in (PLUGIN_DIR, SDK_DIR, os.path.join(SDK_DIR, "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

CLUSTER_SCRIPT = os.path.join(PLUGIN_DIR, "scripts", "test-cluster.sh")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A PostgreSQL server of its own on a free port, removed by ``stop``."""

    def __init__(self) -> None:
        self.port = free_port()
        out = subprocess.run(["bash", CLUSTER_SCRIPT, "start", str(self.port)], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"cannot start a PostgreSQL server for the tests:\n{out.stderr}")
        self.dir = out.stdout.strip().splitlines()[-1]

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        subprocess.run(["bash", CLUSTER_SCRIPT, "stop", self.dir], check=False)


class FakeSinkContext:
    """What the SDK gives a sink task; errant records are kept for the test."""

    connector_name = "pg-test"
    task_id = 0

    def __init__(self) -> None:
        self.errants = []

    def errant_record_reporter(self, record, error):
        self.errants.append((record, error))
