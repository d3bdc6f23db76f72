"""The site's SQL functions and per-connection limits: bounded work for any SQL a visitor sends.

Datasette interrupts a statement between SQLite steps after ``sql_time_limit_ms``, but a single call
of a Python function (or a single huge built-in value) runs to its end. So every function bounds its
input, and SQLite refuses values and statements above a generous size. Costs: docs/reliability.md.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from kb import text

MAX_QUERY_CHARS = 500        # a search query; longer gives NULL (no hits)
MAX_TEXT_CHARS = 10_000      # a text to stem, fold or excerpt (the longest indexed text today: under 1,000)
MAX_VALUE_BYTES = 100_000    # SQLITE_LIMIT_LENGTH: any string or blob; 1,000 rows of it make a ~100 MB response
MAX_SQL_BYTES = 100_000      # SQLITE_LIMIT_SQL_LENGTH: the statement itself (the canned queries are ~1 KB)


def _query(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= MAX_QUERY_CHARS else None


def _text(value: Any) -> str | None:
    if value is None:
        return ""
    return value if isinstance(value, str) and len(value) <= MAX_TEXT_CHARS else None


def kb_match(query: Any) -> str | None:
    return text.match_query(_query(query))


def kb_trigram(query: Any) -> str | None:
    return text.trigram_query(_query(query))


def kb_snippet(value: Any, query: Any) -> str | None:
    """Excerpt of the first MAX_TEXT_CHARS characters (where search results show their match)."""
    if _query(query) is None or not isinstance(value, (str, type(None))):
        return None
    return text.snippet((value or "")[:MAX_TEXT_CHARS], query)


def kb_fold(value: Any) -> str | None:
    value = _text(value)
    return None if value is None else text.fold(value)


def kb_stem(value: Any) -> str | None:
    value = _text(value)
    return None if value is None else text.stem_text(value)


FUNCTIONS = {"kb_match": kb_match, "kb_trigram": kb_trigram, "kb_snippet": kb_snippet, "kb_fold": kb_fold,
             "kb_stem": kb_stem}


def prepare(conn: sqlite3.Connection) -> None:
    """Register the functions and cap value and statement sizes on one connection."""
    for name, function in FUNCTIONS.items():
        conn.create_function(name, function.__code__.co_argcount, function, deterministic=True)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
