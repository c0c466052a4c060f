"""The protocol's streams, from the connector process's side.

- ``base.py``: the task thread, sync/async calls into connector code, ordered writes,
  heartbeats and idle detection, typed errors.
- ``connector.py``: Connector.Run (start, task configs, reconfiguration, stop).
- ``source.py``: SourceTask.Run (credits, batches, acks, commit, offsets, staged stop).
- ``sink.py``: SinkTask.Run (open/close, put, flush, errant records, stop).
"""
