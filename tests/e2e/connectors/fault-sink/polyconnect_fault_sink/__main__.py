"""``python3 -m polyconnect_fault_sink``: serves FaultSink."""

from polyconnect import serve

from . import FaultSink


def main() -> None:
    serve(FaultSink)


if __name__ == "__main__":
    main()
