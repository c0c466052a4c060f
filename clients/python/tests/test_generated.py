"""The committed protocol stubs are what scripts/generate.sh produces from the proto."""

import filecmp
import os
import subprocess
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GENERATED = os.path.join(ROOT, "polyconnect", "v1")
FILES = ["data_pb2.py", "data_pb2.pyi", "connector_pb2.py", "connector_pb2.pyi", "connector_pb2_grpc.py"]


def test_generated_code_is_up_to_date():
    pytest.importorskip("grpc_tools", reason="grpcio-tools is needed to regenerate (scripts/install-deps.sh)")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "generate.sh"), out], check=True, cwd="/")
        fresh = os.path.join(out, "polyconnect", "v1")
        produced = sorted(f for f in os.listdir(fresh) if not f.startswith("__"))
        assert produced == sorted(FILES)
        match, mismatch, errors = filecmp.cmpfiles(GENERATED, fresh, FILES, shallow=False)
        assert not mismatch and not errors, (
            f"stale generated code: {mismatch + errors}; run clients/python/scripts/generate.sh "
            f"(with the grpcio-tools version pinned in scripts/install-deps.sh)"
        )
