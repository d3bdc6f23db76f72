"""The search functions give the same answers from many threads as from one (Datasette runs SQL in threads)."""
import sqlite3
import sys
import threading

import pytest

from kb import text
from kb.datasette.plugin import prepare_connection
from kb.site import SEARCH_SQL

THREADS = 6
QUERIES = ["Vertrauen", "helfen", "schildert", "Bildung", "Kooperation", "Förderung", "Gefluechtete", "kurs",
           "Zusammenarbeit Netzwerk", "Ehrenamtliche begleiten", "Sprachkurse für Frauen"]


def connect(db_path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, check_same_thread=False)
    prepare_connection(conn)
    return conn


def python_answers(bodies: list[str]) -> list:
    out = [text.stem_text(body) for body in bodies]
    for q in QUERIES:
        out += [text.match_query(q), text.trigram_query(q), [text.snippet(body, q) for body in bodies[:8]]]
    return out


def sql_answers(db_path) -> list:
    conn = connect(db_path)
    try:
        out = [conn.execute("select kb_stem(body), kb_fold(title) from search_documents order by id").fetchall()]
        for q in QUERIES:
            out.append(conn.execute(SEARCH_SQL, {"q": q}).fetchall())
            out.append(conn.execute("select kb_match(?), kb_trigram(?)", (q, q)).fetchone())
        return out
    finally:
        conn.close()


def in_threads(work) -> list:
    """Run ``work`` in THREADS threads at once, switching between them as often as the interpreter allows."""
    results: list = [None] * THREADS
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run(i):
        try:
            start.wait()
            results[i] = work()
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def bodies(site_db) -> list[str]:
    conn = sqlite3.connect(site_db)
    try:
        return [f"{title} {body}" for title, body in conn.execute("select title, body from search_documents")]
    finally:
        conn.close()


def test_python_search_functions_agree_across_threads(bodies):
    text.stem.cache_clear()
    expected = python_answers(bodies)
    text.stem.cache_clear()  # every thread stems uncached words at the same time
    for got in in_threads(lambda: python_answers(bodies)):
        assert got == expected
    assert python_answers(bodies) == expected  # the cache holds no wrong stem afterwards


def test_sql_search_functions_agree_across_threads(site_db):
    text.stem.cache_clear()
    expected = sql_answers(site_db)
    assert any(rows for rows in expected[1::2]), "the queries find something"
    text.stem.cache_clear()
    for got in in_threads(lambda: sql_answers(site_db)):
        assert got == expected
    assert sql_answers(site_db) == expected
