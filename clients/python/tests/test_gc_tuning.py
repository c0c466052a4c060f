"""The connector process's garbage collector settings (``POLYCONNECT_GC_THRESHOLD``)."""

import gc

import pytest

import harness  # noqa: F401  (puts the SDK on the path)
from polyconnect import server


@pytest.fixture
def restore_gc(monkeypatch):
    before = gc.get_threshold()
    yield monkeypatch
    gc.unfreeze()
    gc.set_threshold(*before)


def test_default_threshold_and_start_up_objects_frozen(restore_gc):
    restore_gc.delenv("POLYCONNECT_GC_THRESHOLD", raising=False)
    server.tune_gc()
    assert gc.get_threshold() == server.DEFAULT_GC_THRESHOLD
    assert gc.get_freeze_count() > 0


def test_threshold_from_the_environment(restore_gc):
    restore_gc.setenv("POLYCONNECT_GC_THRESHOLD", "700,10,10")
    server.tune_gc()
    assert gc.get_threshold() == (700, 10, 10)
    restore_gc.setenv("POLYCONNECT_GC_THRESHOLD", " 1000 ")
    server.tune_gc()
    assert gc.get_threshold()[0] == 1000


@pytest.mark.parametrize("bad", ["fast", "1,2,3,4", "-1", "10,,2"])
def test_a_malformed_threshold_keeps_the_default_and_says_so(restore_gc, caplog, bad):
    restore_gc.setenv("POLYCONNECT_GC_THRESHOLD", bad)
    gc.set_threshold(123, 4, 5)
    with caplog.at_level("WARNING", logger="polyconnect"):
        server.tune_gc()
    assert gc.get_threshold() == server.DEFAULT_GC_THRESHOLD
    assert "POLYCONNECT_GC_THRESHOLD" in caplog.text
