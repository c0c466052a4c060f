"""``python3 -m polyconnect_txn_source``: serves PyTxnSource."""

from polyconnect import serve

from . import PyTxnSource

if __name__ == "__main__":
    serve(PyTxnSource)
