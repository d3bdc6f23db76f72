"""Cheap visibility checks: the cause of the slow database and start pages.

Datasette 0.65.5 answers every ``view-table`` check by deep-copying the whole metadata (our column
descriptions make it ~2,600 objects) to look for ``allow`` blocks. A page that lists tables checks
each one: /kb (and Datasette's stock start page) made ~50 deep copies per request, about 200 ms alone
and several seconds at concurrency 32 (profile in docs/reliability.md). The metadata is fixed while
the site runs, so the answer per table is computed once.
"""
from __future__ import annotations

from datasette import hookimpl


@hookimpl
def startup(datasette):
    compute = datasette._table_permission_allows
    answers: dict[tuple[str, str], tuple] = {}

    def table_permission_allows(database: str, table: str) -> list:
        key = (database, table)
        if key not in answers:
            answers[key] = tuple(compute(database, table))
        return list(answers[key])

    datasette._table_permission_allows = table_permission_allows
