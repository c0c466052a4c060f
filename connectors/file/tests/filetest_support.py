"""Puts the file connectors and the SDK on sys.path (the same layout the plugin manifest's
PYTHONPATH gives) and offers a stand-in task context."""

import os
import sys

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SDK_DIR = os.path.normpath(os.path.join(PLUGIN_DIR, "..", "..", "clients", "python"))
for p in (PLUGIN_DIR, SDK_DIR, os.path.join(SDK_DIR, "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)


class FakeSourceContext:
    """Stored offsets by file name, as the core would hand them to the task."""

    def __init__(self, positions=None):
        self.positions = positions or {}
        self.asked = []

    def offset(self, partition):
        self.asked.append(partition)
        name = partition["filename"]
        return None if name not in self.positions else {"position": self.positions[name]}
