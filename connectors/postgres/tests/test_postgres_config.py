"""PostgresSink's configuration: per-key errors through the protocol's Validate (the
ConfigDef's own checks and the connector's checks across keys), URL forms, and the
password staying hidden."""

import pytest
from psycopg.conninfo import conninfo_to_dict

import pgtest_support  # noqa: F401
from harness import run, serving
from polyconnect import ConfigError
from polyconnect.v1 import connector_pb2 as cpb
from polyconnect_postgres import PostgresSink
from polyconnect_postgres.config import parse, to_conninfo
from polyconnect_postgres.schema import TableId, table_for

URL = "postgresql://db.example:5433/shop"


async def validate(core, **config):
    resp = await core.connector.Validate(cpb.ValidateRequest(connector_class="PostgresSink", config=config))
    return {v.name: list(v.errors) for v in resp.values}


@run
async def test_validate_reports_each_bad_key():
    async with serving(PostgresSink) as core:
        errs = await validate(core)
        assert errs["connection.url"] == ['Missing required configuration "connection.url" which has no default value.']
        assert all(not e for k, e in errs.items() if k != "connection.url")

        errs = await validate(core, **{"connection.url": URL, "insert.mode": "upsert"})
        assert errs["pk.mode"] == ["insert.mode=upsert needs a primary key: set pk.mode to record_key, "
                                   "record_value or kafka"]
        assert errs["connection.url"] == []

        errs = await validate(core, **{"connection.url": URL, "insert.mode": "merge", "pk.mode": "record_key",
                                       "delete.enabled": "yes", "batch.size": "0", "auto.create": "true"})
        assert errs["insert.mode"] == ["Invalid value merge for configuration insert.mode: String must be one of: "
                                       "insert, upsert"]
        assert errs["delete.enabled"] == ["Invalid value yes for configuration delete.enabled: Expected value to be "
                                          "either true or false"]
        assert errs["batch.size"] == ["Invalid value 0 for configuration batch.size: Value must be at least 1"]
        assert errs["pk.mode"] == [] and errs["auto.create"] == []

        errs = await validate(core, **{"connection.url": URL, "delete.enabled": "true", "pk.mode": "record_value",
                                       "table.name.format": "a.b.${topic}"})
        assert errs["delete.enabled"] == ["delete.enabled=true needs pk.mode=record_key (a tombstone names its row "
                                          "by its key)"]
        assert errs["table.name.format"] == ["at most one dot: schema.table"]

        errs = await validate(core, **{"connection.url": "jdbc:mysql://h/db"})
        assert errs["connection.url"] == ["not a PostgreSQL URL: this connector writes to PostgreSQL only, "
                                          "not to a 'mysql' database"]

        errs = await validate(core, **{"connection.url": "host=h port=notaport dbname=d bogus=1",
                                       "connection.password": "s3cret-pw"})
        assert len(errs["connection.url"]) == 1 and "invalid connection settings" in errs["connection.url"][0]
        assert all("s3cret-pw" not in e for es in errs.values() for e in es)


@run
async def test_spec_lists_the_keys_with_their_types():
    async with serving(PostgresSink) as core:
        spec = await core.connector.Spec(cpb.SpecRequest(connector_class="PostgresSinkConnector"))
        keys = {k.name: k for k in spec.config}
        assert list(keys)[:3] == ["connection.url", "connection.user", "connection.password"]
        assert keys["connection.password"].type == cpb.PASSWORD_CONFIG
        assert keys["table.name.format"].default_value == "${topic}"
        assert keys["insert.mode"].default_value == "insert"
        assert keys["batch.size"].default_value == "3000"
        assert set(keys) >= {"pk.mode", "pk.fields", "auto.create", "auto.evolve", "delete.enabled"}


def test_url_forms():
    def settings(*args):
        return conninfo_to_dict(to_conninfo(*args))

    assert settings("jdbc:postgresql://h:5433/db?user=u&currentSchema=s&ssl=true&ApplicationName=a b") == {
        "host": "h", "port": "5433", "dbname": "db", "user": "u", "options": "-c search_path=s",
        "sslmode": "require", "application_name": "a b"}
    assert settings("postgresql://h/db?user=x", "u", "p w") == {"host": "h", "dbname": "db", "user": "u",
                                                                "password": "p w"}
    assert settings("host=h dbname=db") == {"host": "h", "dbname": "db"}
    with pytest.raises(ConfigError, match="expected jdbc:postgresql"):
        to_conninfo("http://h/db")


def test_parse_checks_across_keys_and_hides_the_password():
    with pytest.raises(ConfigError, match="Invalid configuration pk.mode: insert.mode=upsert needs a primary key"):
        parse({"connection.url": URL, "insert.mode": "upsert"})
    cfg = parse({"connection.url": URL, "connection.password": "hunter2", "pk.mode": "record_key",
                 "pk.fields": "a, b"})
    assert cfg.where == "db.example:5433/shop" and cfg.pk_fields == ("a", "b")
    assert "hunter2" not in repr(cfg.where)


def test_table_name_format():
    assert table_for("${topic}", "orders.eu") == TableId(None, "orders.eu")
    assert table_for("kafka.${topic}", "orders.eu") == TableId("kafka", "orders.eu")
    assert table_for("t_${topic}_${topic}", "x") == TableId(None, "t_x_x")


def test_the_sample_config_is_valid():
    import os

    from pgtest_support import PLUGIN_DIR

    props = {}
    with open(os.path.join(PLUGIN_DIR, "config", "postgres-sink.properties")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, _, v = line.partition("=")
                props[k.strip()] = v.strip()
    cfg = parse(props)
    assert cfg.upsert and cfg.pk_mode == "record_key" and cfg.delete_enabled and cfg.auto_create
    assert cfg.where == "127.0.0.1:5432/shop"
