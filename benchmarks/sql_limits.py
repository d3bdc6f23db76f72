"""Benchmark: what the SQL bounds cost the canned search, and how fast hostile statements now end.

Builds the bundled data into a temporary file, then times the ``suche`` query on a connection with
the plain search functions (as before the bounds) and on one prepared like the site's
(``kb.datasette.plugin.prepare_connection``: bounded functions + SQLITE_LIMIT_LENGTH/SQL_LENGTH), as a ratio in the same process.

    python benchmarks/sql_limits.py --repeat 200
"""
from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from kb import text
from kb.build import build_database
from kb.datasette.plugin import prepare_connection
from kb.site import SEARCH_SQL

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["Vertrauen", "Kooperation", "Förderung", "Sprachkurs", "Elternarbeit", "Netzwerk Schule", "helfen"]
HOSTILE = [
    "select randomblob(1000000000)",
    "select length(kb_snippet(replace(hex(zeroblob(10000000)), '00', 'ab '), 'ab'))",
    "select length(kb_stem(replace(hex(zeroblob(40000)), '00', 'ab ')))",
]


def plain(conn: sqlite3.Connection) -> None:
    """The functions as registered before the bounds."""
    conn.create_function("kb_match", 1, text.match_query, deterministic=True)
    conn.create_function("kb_trigram", 1, text.trigram_query, deterministic=True)
    conn.create_function("kb_snippet", 2, text.snippet, deterministic=True)


def search_seconds(conn: sqlite3.Connection, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        for q in QUERIES:
            conn.execute(SEARCH_SQL, {"q": q}).fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kb.db"
        build_database(ROOT / "data", db)
        before, after = sqlite3.connect(db), sqlite3.connect(db)
        plain(before)
        prepare_connection(after)
        search_seconds(before, 1), search_seconds(after, 1)  # warm the stem and page caches
        # alternate the two, best of three each, so neither profits from running second
        runs = [(search_seconds(before, args.repeat), search_seconds(after, args.repeat)) for _ in range(3)]
        t_before, t_after = min(r[0] for r in runs), min(r[1] for r in runs)
        n = args.repeat * len(QUERIES)
        print(f"suche: {t_before / n * 1000:.3f} ms plain, {t_after / n * 1000:.3f} ms bounded "
              f"(ratio {t_after / t_before:.3f}, {n} queries each)")
        for sql in HOSTILE:
            started = time.perf_counter()
            try:
                after.execute(sql).fetchall()
                outcome = "ok"
            except sqlite3.Error as exc:
                outcome = f"{type(exc).__name__}: {exc}"
            print(f"{time.perf_counter() - started:8.4f} s  {outcome:40}  {sql}")


if __name__ == "__main__":
    main()
