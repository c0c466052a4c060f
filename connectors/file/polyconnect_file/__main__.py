"""``python3 -m polyconnect_file``: serves FileStreamSource and FileStreamSink."""

from polyconnect import serve

from . import FileStreamSink, FileStreamSource


def main() -> None:
    serve(FileStreamSource, FileStreamSink)


if __name__ == "__main__":
    main()
