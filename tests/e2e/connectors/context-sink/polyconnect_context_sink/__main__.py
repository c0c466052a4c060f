"""``python3 -m polyconnect_context_sink``: serves ContextSink."""

from polyconnect import serve

from . import ContextSink

if __name__ == "__main__":
    serve(ContextSink)
