"""Bounded work for any SQL a visitor sends: our functions cap their input, SQLite caps values and statements."""
import sqlite3

import pytest

from kb.datasette.plugin import prepare_connection
from kb.datasette.limits import MAX_SQL_BYTES, MAX_VALUE_BYTES
from kb.search import MAX_QUERY_CHARS, MAX_TEXT_CHARS


@pytest.fixture
def conn():
    conn = sqlite3.connect(":memory:")
    prepare_connection(conn)
    yield conn
    conn.close()


def one(conn, sql, *params):
    return conn.execute(sql, params).fetchone()[0]


def test_snippet_reads_only_the_first_max_text_chars(conn):
    near = "wort " * 10 + "Vertrauen"
    far = "wort " * (MAX_TEXT_CHARS // 5) + "Vertrauen"
    assert "<mark>Vertrauen</mark>" in one(conn, "select kb_snippet(?, 'Vertrauen')", near)
    assert "<mark>" not in one(conn, "select kb_snippet(?, 'Vertrauen')", far)


def test_functions_give_null_for_oversized_or_wrong_input(conn):
    long_text = "Förderung " * (MAX_TEXT_CHARS // 10 + 1)
    long_query = "a" * (MAX_QUERY_CHARS + 1)
    assert one(conn, "select kb_stem(?)", long_text) is None
    assert one(conn, "select kb_fold(?)", long_text) is None
    assert one(conn, "select kb_match(?)", long_query) is None
    assert one(conn, "select kb_trigram(?)", long_query) is None
    assert one(conn, "select kb_snippet('Text', ?)", long_query) is None
    assert one(conn, "select kb_fold(x'00ff')") is None and one(conn, "select kb_stem(42)") is None
    assert one(conn, "select kb_stem('Förderungen')") == "forder"  # normal input still works


@pytest.mark.parametrize("sql", [
    "select randomblob(50000000)",
    "select length(kb_snippet(replace(hex(zeroblob(10000000)), '00', 'ab '), 'ab'))",
    f"select length(hex(zeroblob({MAX_VALUE_BYTES})))",
])
def test_huge_values_fail_fast(conn, sql):
    with pytest.raises(sqlite3.DataError, match="string or blob too big"):
        conn.execute(sql).fetchone()


def test_huge_statements_are_refused(conn):
    with pytest.raises(sqlite3.DataError, match="query string is too large"):
        conn.execute("select 1" + " " * MAX_SQL_BYTES)


async def test_site_answers_a_huge_value_with_400(ds):
    response = await ds.client.get("/kb.json?sql=select+randomblob(1000000000)")
    assert response.status_code == 400
    assert response.json()["error"] == "string or blob too big"
    search = await ds.client.get("/kb/suche.json?q=Vertrauen&_shape=objects")
    assert search.status_code == 200 and search.json()["rows"]
