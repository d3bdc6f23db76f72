"""SQLite limits for the public site's connections: any visitor's SQL gets bounded values and statements.

Datasette interrupts a statement between SQLite steps after ``sql_time_limit_ms``, but one huge value
(``randomblob(1000000000)``) is built in a single step. Costs and the choice of sizes: docs/reliability.md.
"""
from __future__ import annotations

import sqlite3

MAX_VALUE_BYTES = 100_000  # SQLITE_LIMIT_LENGTH: any string or blob; 1,000 rows of it make a ~100 MB response
MAX_SQL_BYTES = 100_000    # SQLITE_LIMIT_SQL_LENGTH: the statement itself (the canned queries are ~1 KB)


def apply(conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
