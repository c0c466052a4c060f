"""``python3 -m polyconnect_postgres``: serves PostgresSink."""

from polyconnect import serve

from . import PostgresSink


def main() -> None:
    serve(PostgresSink)


if __name__ == "__main__":
    main()
