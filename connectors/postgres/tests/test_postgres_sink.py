"""PostgresSinkTask against a real PostgreSQL server: tables created from schemas, upserts,
deletes, inserts, table evolution, errant records, connection loss and the offsets flush
hands back."""

import datetime as dt
import decimal

import psycopg
import pytest

from pgtest_support import FakeSinkContext
from polyconnect import (
    ConfigError,
    Date,
    Decimal,
    RetriableError,
    Schema,
    SchemaBuilder,
    SinkRecord,
    Struct,
    Time,
    Timestamp,
    TopicPartition,
)
from polyconnect_postgres import PostgresSinkTask

KEY = SchemaBuilder.struct().name("Key").field("id", Schema.INT64_SCHEMA).build()
USER = (SchemaBuilder.struct().name("User")
        .field("id", Schema.INT64_SCHEMA)
        .field("name", Schema.STRING_SCHEMA)
        .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
        .build())
USER_WITH_EMAIL = (SchemaBuilder.struct().name("User")
                   .field("id", Schema.INT64_SCHEMA)
                   .field("name", Schema.STRING_SCHEMA)
                   .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
                   .field("email", Schema.OPTIONAL_STRING_SCHEMA)
                   .build())


def task(url, **config):
    t = PostgresSinkTask()
    t.context = FakeSinkContext()
    t.start({"connection.url": url, **{k.replace("_", "."): str(v).lower() if isinstance(v, bool) else str(v)
                                        for k, v in config.items()}})
    return t


def user(i, name, score=None, offset=0, topic="users", partition=0):
    return SinkRecord(topic, partition, KEY, Struct(KEY, id=i), USER, Struct(USER, id=i, name=name, score=score),
                      offset)


def tombstone(i, offset, topic="users"):
    return SinkRecord(topic, 0, KEY, Struct(KEY, id=i), None, None, offset)


def rows(conn, sql):
    return conn.execute(sql).fetchall()


def columns(conn, table):
    return rows(conn, "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                      f"WHERE table_name = '{table}' ORDER BY ordinal_position")


def primary_key(conn, table):
    return [r[0] for r in rows(conn, f"""
        SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = '"{table}"'::regclass AND i.indisprimary ORDER BY a.attnum""")]


def test_upserts_by_key_deletes_on_tombstones_and_creates_the_table(pg):
    url, conn = pg
    t = task(url, insert_mode="upsert", pk_mode="record_key", auto_create=True, delete_enabled=True)
    t.put([user(1, "ann", 1.5, 0), user(2, "bob", None, 1), user(1, "ann v2", 2.5, 2), user(3, "cy", None, 3)])
    assert columns(conn, "users") == [("id", "bigint", "NO"), ("name", "text", "NO"),
                                      ("score", "double precision", "YES")]
    assert primary_key(conn, "users") == ["id"]
    assert rows(conn, "SELECT * FROM users ORDER BY id") == [(1, "ann v2", 2.5), (2, "bob", None), (3, "cy", None)]
    # A tombstone, then the key comes back, in one put: applied in order.
    t.put([tombstone(2, 4), tombstone(3, 5), user(3, "cy again", 0.0, 6), tombstone(99, 7)])
    assert rows(conn, "SELECT * FROM users ORDER BY id") == [(1, "ann v2", 2.5), (3, "cy again", 0.0)]
    assert t.context.errants == []
    tp = TopicPartition("users", 0)
    assert t.pre_commit({tp: 8}) == {tp: 8}
    t.stop()


def test_tombstones_are_skipped_without_delete_enabled(pg):
    url, conn = pg
    t = task(url, insert_mode="upsert", pk_mode="record_key", auto_create=True)
    t.put([user(1, "ann", offset=0), tombstone(1, 1)])
    assert rows(conn, "SELECT id, name FROM users") == [(1, "ann")]
    assert t.pre_commit({TopicPartition("users", 0): 2}) == {TopicPartition("users", 0): 2}
    t.stop()


def test_every_type_maps_to_its_column_and_back(pg):
    url, conn = pg
    s = (SchemaBuilder.struct()
         .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA).field("i32", Schema.INT32_SCHEMA)
         .field("i64", Schema.INT64_SCHEMA).field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
         .field("b", Schema.BOOLEAN_SCHEMA).field("s", Schema.STRING_SCHEMA).field("raw", Schema.BYTES_SCHEMA)
         .field("amount", Decimal.schema(2)).field("day", Date.SCHEMA).field("at", Time.SCHEMA)
         .field("ts", Timestamp.SCHEMA).field("maybe", Schema.OPTIONAL_STRING_SCHEMA)
         .build())
    ts = dt.datetime(2024, 2, 29, 23, 59, 58, 123000, tzinfo=dt.timezone.utc)
    v = Struct(s, i8=-128, i16=32767, i32=-(2 ** 31), i64=2 ** 63 - 1, f32=0.5, f64=1e300, b=True, s="ünï 'q'",
               raw=b"\x00\xff", amount=decimal.Decimal("-12345678901234567890.25"), day=dt.date(1969, 7, 20),
               at=dt.time(13, 14, 15, 678000), ts=ts, maybe=None)
    t = task(url, auto_create=True, table_name_format="typed_${topic}")
    t.put([SinkRecord("all", 0, None, None, s, v, 0)])
    assert columns(conn, "typed_all") == [
        ("i8", "smallint", "NO"), ("i16", "smallint", "NO"), ("i32", "integer", "NO"), ("i64", "bigint", "NO"),
        ("f32", "real", "NO"), ("f64", "double precision", "NO"), ("b", "boolean", "NO"), ("s", "text", "NO"),
        ("raw", "bytea", "NO"), ("amount", "numeric", "NO"), ("day", "date", "NO"),
        ("at", "time without time zone", "NO"), ("ts", "timestamp without time zone", "NO"), ("maybe", "text", "YES"),
    ]
    assert primary_key(conn, "typed_all") == []
    # The server's time zone does not shift timestamps: they are UTC wall-clock times.
    conn.execute("SET TIME ZONE 'America/New_York'")
    got = rows(conn, "SELECT * FROM typed_all")
    assert got == [(-128, 32767, -(2 ** 31), 2 ** 63 - 1, 0.5, 1e300, True, "ünï 'q'", b"\x00\xff",
                    decimal.Decimal("-12345678901234567890.25"), dt.date(1969, 7, 20), dt.time(13, 14, 15, 678000),
                    ts.replace(tzinfo=None), None)]
    t.stop()


def test_schema_defaults_become_column_defaults(pg):
    url, conn = pg
    s = (SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
         .field("status", SchemaBuilder.string().default_value("new").build()).build())
    t = task(url, auto_create=True, pk_mode="record_value", pk_fields="id")
    t.put([SinkRecord("d", 0, None, None, s, Struct(s, id=1), 0)])
    assert rows(conn, "SELECT * FROM d") == [(1, "new")]
    conn.execute("INSERT INTO d (id) VALUES (2)")
    assert rows(conn, "SELECT status FROM d WHERE id = 2") == [("new",)]
    assert primary_key(conn, "d") == ["id"]
    t.stop()


def test_insert_mode_appends_and_a_duplicate_key_is_an_errant_record(pg):
    url, conn = pg
    t = task(url, pk_mode="record_value", pk_fields="id", auto_create=True)
    t.put([user(1, "a", offset=0), user(2, "b", offset=1), user(1, "dup", offset=2), user(3, "c", offset=3)])
    assert rows(conn, "SELECT id, name FROM users ORDER BY id") == [(1, "a"), (2, "b"), (3, "c")]
    [(rec, err)] = t.context.errants
    assert rec.kafka_offset == 2
    assert "duplicate key" in str(err) and "offset 2" in str(err)
    # The errant record counts as handled: its offset is committed with the others.
    assert t.pre_commit({TopicPartition("users", 0): 4}) == {TopicPartition("users", 0): 4}
    t.stop()


def test_insert_without_key_keeps_every_record(pg):
    url, conn = pg
    t = task(url, auto_create=True)
    t.put([user(1, "a", offset=0), user(1, "a", offset=1)])
    assert rows(conn, "SELECT id, name FROM users") == [(1, "a"), (1, "a")]
    t.stop()


def test_kafka_coordinates_as_primary_key_make_redelivery_idempotent(pg):
    url, conn = pg
    t = task(url, insert_mode="upsert", pk_mode="kafka", auto_create=True)
    batch = [user(1, "a", offset=10, partition=3), user(1, "b", offset=11, partition=3)]
    t.put(batch)
    t.put(batch)  # delivered again, e.g. after a crash before the offsets were committed
    assert primary_key(conn, "users") == ["__connect_topic", "__connect_partition", "__connect_offset"]
    assert rows(conn, "SELECT __connect_topic, __connect_partition, __connect_offset, name FROM users "
                      "ORDER BY __connect_offset") == [("users", 3, 10, "a"), ("users", 3, 11, "b")]
    t.stop()


def test_primitive_keys_and_schemaless_keys(pg):
    url, conn = pg
    t = task(url, insert_mode="upsert", pk_mode="record_key", pk_fields="user_id", auto_create=True,
             delete_enabled=True, table_name_format="p")
    v = lambda i, n: Struct(USER, id=i, name=n)  # noqa: E731
    t.put([SinkRecord("t", 0, Schema.STRING_SCHEMA, "k1", USER, v(1, "a"), 0),
           SinkRecord("t", 0, None, "k2", USER, v(2, "b"), 1),  # schemaless: a STRING key
           SinkRecord("t", 0, Schema.STRING_SCHEMA, "k1", USER, v(3, "c"), 2)])
    assert primary_key(conn, "p") == ["user_id"]
    assert rows(conn, "SELECT user_id, id, name FROM p ORDER BY user_id") == [("k1", 3, "c"), ("k2", 2, "b")]
    t.put([SinkRecord("t", 0, None, "k2", None, None, 3)])
    assert rows(conn, "SELECT user_id FROM p") == [("k1",)]
    assert t.context.errants == []
    t.stop()


def test_auto_evolve_adds_nullable_columns(pg):
    url, conn = pg
    t = task(url, insert_mode="upsert", pk_mode="record_key", auto_create=True, auto_evolve=True)
    t.put([user(1, "a", offset=0)])
    v2 = (SchemaBuilder.struct().name("User").field("id", Schema.INT64_SCHEMA).field("name", Schema.STRING_SCHEMA)
          .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).field("email", Schema.STRING_SCHEMA)
          .field("age", Schema.OPTIONAL_INT32_SCHEMA).build())
    t.put([SinkRecord("users", 0, KEY, Struct(KEY, id=2), v2, Struct(v2, id=2, name="b", email="b@x", age=7), 1),
           user(3, "c", offset=2)])  # the old schema still works
    assert columns(conn, "users")[3:] == [("email", "text", "YES"), ("age", "integer", "YES")]
    assert rows(conn, "SELECT id, name, email, age FROM users ORDER BY id") == [
        (1, "a", None, None), (2, "b", "b@x", 7), (3, "c", None, None)]
    assert t.context.errants == []
    t.stop()


def test_without_auto_evolve_or_auto_create_records_are_errant(pg):
    url, conn = pg
    conn.execute("CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL)")
    t = task(url, insert_mode="upsert", pk_mode="record_key")
    t.put([user(1, "a", offset=0), user(2, "b", 0.5, offset=1)])
    assert rows(conn, "SELECT count(*) FROM users") == [(0,)]
    assert [r.kafka_offset for r, _ in t.context.errants] == [0, 1]
    assert "has no column for field(s) score" in str(t.context.errants[0][1])
    assert "auto.evolve" in str(t.context.errants[0][1])
    t2 = task(url, table_name_format="missing_${topic}")
    t2.put([user(1, "a", offset=0)])
    assert "table missing_users does not exist" in str(t2.context.errants[0][1])
    t.stop()
    t2.stop()


def test_records_that_do_not_fit_are_errant_and_the_rest_is_written(pg):
    url, conn = pg
    conn.execute("CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT NOT NULL CHECK (name <> 'bad'), "
                 "score DOUBLE PRECISION)")
    nested = (SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
              .field("address", SchemaBuilder.struct().field("city", Schema.STRING_SCHEMA).build()).build())
    listy = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field(
        "tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build()
    t = task(url, insert_mode="upsert", pk_mode="record_key")
    t.put([
        user(1, "ok", offset=0),
        user(2, "bad", offset=1),  # check constraint
        SinkRecord("users", 0, KEY, Struct(KEY, id=3), None, {"id": 3}, 2),  # schemaless value
        SinkRecord("users", 0, KEY, Struct(KEY, id=4), nested,
                   Struct(nested, id=4, address=Struct(nested.field("address").schema, city="x")), 3),
        SinkRecord("users", 0, KEY, Struct(KEY, id=5), listy, Struct(listy, id=5, tags=["a"]), 4),
        SinkRecord("users", 0, None, None, USER, Struct(USER, id=6, name="no key"), 5),
        user(7, "also ok", offset=6),
    ])
    assert rows(conn, "SELECT id, name FROM users ORDER BY id") == [(1, "ok"), (7, "also ok")]
    errs = {r.kafka_offset: str(e) for r, e in t.context.errants}
    assert sorted(errs) == [1, 2, 3, 4, 5]
    assert "check constraint" in errs[1]
    assert "value is a STRUCT with a schema" in errs[2]
    assert "nested STRUCT" in errs[3] and "Flatten$Value" in errs[3]
    assert "ARRAY" in errs[4]
    assert "needs a record key" in errs[5]
    assert t.pre_commit({TopicPartition("users", 0): 7}) == {TopicPartition("users", 0): 7}
    t.stop()


def test_type_mismatch_with_an_existing_table_is_errant(pg):
    url, conn = pg
    conn.execute("CREATE TABLE m (id BIGINT PRIMARY KEY, n INTEGER)")
    s = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("n", Schema.STRING_SCHEMA).build()
    t = task(url, insert_mode="upsert", pk_mode="record_value", pk_fields="id", table_name_format="m")
    t.put([SinkRecord("x", 0, None, None, s, Struct(s, id=1, n="12"), 0),
           SinkRecord("x", 0, None, None, s, Struct(s, id=2, n="twelve"), 1)])
    assert rows(conn, "SELECT * FROM m") == [(1, 12)]
    [(rec, err)] = t.context.errants
    assert rec.kafka_offset == 1 and "invalid input syntax" in str(err)
    t.stop()


def test_table_name_format_with_a_schema_and_a_dotted_topic(pg):
    url, conn = pg
    conn.execute("CREATE SCHEMA kafka")
    t = task(url, auto_create=True, table_name_format="kafka.${topic}_v")
    t.put([user(1, "a", topic="orders.eu")])
    assert rows(conn, 'SELECT id FROM kafka."orders.eu_v"') == [(1,)]
    t.stop()


def test_connection_loss_is_retriable_and_nothing_of_the_put_is_committed(pg):
    url, conn = pg
    t = task(url, insert_mode="upsert", pk_mode="record_key", auto_create=True)
    t.put([user(1, "a", offset=0)])
    tp = TopicPartition("users", 0)
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE application_name = 'polyconnect-pg-test-0'")
    batch = [user(2, "b", offset=1), user(3, "c", offset=2)]
    with pytest.raises(RetriableError) as e:
        t.put(batch)
    assert e.value.retry_after_ms == 3000
    assert rows(conn, "SELECT id FROM users ORDER BY id") == [(1,)]
    assert t.pre_commit({tp: 3}) == {tp: 1}  # only what PostgreSQL has
    t.put(batch)  # the core delivers the same records again; the task reconnects
    assert rows(conn, "SELECT id FROM users ORDER BY id") == [(1,), (2,), (3,)]
    assert t.pre_commit({tp: 3}) == {tp: 3}
    t.stop()


def test_a_server_that_is_down_at_start_is_retried_at_put(pg_server):
    from pgtest_support import free_port

    t = task(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres", retry_backoff_ms=10)
    with pytest.raises(RetriableError, match="cannot connect to PostgreSQL at 127.0.0.1"):
        t.put([user(1, "a")])
    assert t.pre_commit({TopicPartition("users", 0): 1}) == {}
    t.stop()


def test_a_missing_database_is_a_config_error(pg_server):
    t = PostgresSinkTask()
    t.context = FakeSinkContext()
    with pytest.raises(ConfigError, match='database "nope" does not exist'):
        t.start({"connection.url": pg_server.url("nope")})


def test_jdbc_urls_user_and_password_keys_work(pg, pg_server):
    url, conn = pg
    db = url.rsplit("/", 1)[1]
    t = PostgresSinkTask()
    t.context = FakeSinkContext()
    t.start({"connection.url": f"jdbc:postgresql://127.0.0.1:{pg_server.port}/{db}?ApplicationName=jdbc-app&ssl=false",
             "connection.user": "postgres", "connection.password": "secret", "auto.create": "true"})
    t.put([user(1, "a")])
    assert rows(conn, "SELECT id FROM users") == [(1,)]
    assert rows(conn, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'jdbc-app'") == [(1,)]
    t.stop()


def test_batches_larger_than_batch_size_and_many_puts(pg):
    url, conn = pg
    t = task(url, insert_mode="upsert", pk_mode="record_key", auto_create=True, batch_size=7)
    for p in range(3):
        t.put([user(i % 40, f"v{p}-{i}", offset=p * 100 + i) for i in range(100)])
    got = dict(rows(conn, "SELECT id, name FROM users"))
    assert got == {k: f"v2-{k + 80 if k < 20 else k + 40}" for k in range(40)}
    t.stop()


def test_table_dropped_behind_the_tasks_back_is_created_again(pg):
    url, conn = pg
    t = task(url, auto_create=True, insert_mode="upsert", pk_mode="record_key")
    t.put([user(1, "a", offset=0)])
    conn.execute("DROP TABLE users")
    t.put([user(2, "b", offset=1)])  # fails once (errant), and the task looks at the table again
    t.put([user(3, "c", offset=2)])
    assert [r.kafka_offset for r, _ in t.context.errants] == [1]
    assert rows(conn, "SELECT id FROM users") == [(3,)]
    t.stop()


def test_tasks_creating_and_evolving_the_same_tables_at_once_lose_no_record(pg):
    """PostgreSQL reports a CREATE TABLE IF NOT EXISTS racing another one in several ways
    (a unique violation in its catalog, "relation exists", "type exists"): whichever it is,
    every task goes on writing and no record is errant."""
    import threading

    url, conn = pg
    n, rounds = 4, 25
    tasks = [task(url, auto_create=True, auto_evolve=True, insert_mode="upsert", pk_mode="record_key",
                  table_name_format="race_${topic}") for _ in range(n)]
    barrier = threading.Barrier(n)
    failures = []

    def run(i):
        try:
            for r in range(rounds):
                barrier.wait()
                tasks[i].put([user(i, f"u{i}", offset=r, topic=f"t{r}")])
                barrier.wait()
                # A new optional field: every task adds the column at once.
                tasks[i].put([SinkRecord(f"t{r}", 0, KEY, Struct(KEY, id=100 + i), USER_WITH_EMAIL,
                                         Struct(USER_WITH_EMAIL, id=100 + i, name=f"v{i}", email="e"), r)])
        except Exception as e:  # reported below, with the thread's error
            failures.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert [e for t in tasks for _, e in t.context.errants] == []
    for r in range(rounds):
        assert rows(conn, f"SELECT count(*), count(email) FROM race_t{r}") == [(2 * n, n)]
    for t in tasks:
        t.stop()


def test_connection_user_must_exist(pg_server):
    t = PostgresSinkTask()
    t.context = FakeSinkContext()
    with pytest.raises(ConfigError, match="cannot connect"):
        t.start({"connection.url": pg_server.url(), "connection.user": "nobody"})


def test_psycopg_errors_are_sorted(pg):
    from polyconnect_postgres.writer import is_connection_problem

    assert is_connection_problem(psycopg.OperationalError("gone"))
    assert is_connection_problem(psycopg.InterfaceError("closed"))
    assert not is_connection_problem(psycopg.errors.UniqueViolation("dup"))
    assert not is_connection_problem(psycopg.errors.DataError("bad"))
