"""A tiny connector process for the serve() tests: ``python3 sample_plugin.py``."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from polyconnect import SourceConnector, SourceRecord, SourceTask, serve  # noqa: E402


class TickTask(SourceTask):
    def start(self, config):
        self.n = 0

    def poll(self):
        self.n += 1
        return [SourceRecord({"ticks": "t"}, {"n": self.n}, "ticks", value=self.n)]


class Ticks(SourceConnector):
    task_class = TickTask


if __name__ == "__main__":
    serve(Ticks)
