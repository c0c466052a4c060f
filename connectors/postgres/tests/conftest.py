"""One private PostgreSQL server for the session; a fresh database for each test."""

import itertools

import psycopg
import pytest

from pgtest_support import Server

_n = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    server = Server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg(pg_server):
    """(url of a new empty database, a connection to it in autocommit mode)."""
    name = f"t{next(_n)}"
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    conn = psycopg.connect(pg_server.url(name), autocommit=True)
    try:
        yield pg_server.url(name), conn
    finally:
        conn.close()
