"""The kb Datasette plugin: German search functions for SQL and safe rendering of their output.

Registered through the ``datasette`` entry point in pyproject.toml, so ``datasette publish …
--install kooperationswissen`` serves the same site anywhere.
"""
from __future__ import annotations

import html
import re

from datasette import hookimpl
from markupsafe import Markup

from kb import text
from kb.datasette.case_page import case_detail
from kb.site import column_titles

COLUMN_TITLES = column_titles()

SNIPPET_COLUMN = "ausschnitt"
LINK_COLUMN = "link"
_MARK = re.compile(r"&lt;(/?)mark&gt;")


@hookimpl
def prepare_connection(conn):
    conn.create_function("kb_match", 1, text.match_query, deterministic=True)
    conn.create_function("kb_trigram", 1, text.trigram_query, deterministic=True)
    conn.create_function("kb_snippet", 2, text.snippet, deterministic=True)
    conn.create_function("kb_fold", 1, lambda value: text.fold(value or ""), deterministic=True)
    conn.create_function("kb_stem", 1, text.stem_text, deterministic=True)


@hookimpl
def render_cell(value, column):
    """Show <mark> in search snippets and make internal links clickable; everything else stays escaped."""
    if not isinstance(value, str):
        return None
    if column == SNIPPET_COLUMN:
        # Escape everything, then let only the <mark> tags through: safe for any SQL result.
        return Markup(_MARK.sub(r"<\1mark>", html.escape(html.unescape(value))))
    if column == LINK_COLUMN and re.fullmatch(r"/[\w/%.-]+", value):
        return Markup(f'<a href="{html.escape(value)}">{html.escape(value)}</a>')
    return None


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """German facet headings on table pages; the case page (row-kb-cases.html) gets the case with
    partners, factors, quotes and sources."""
    if view_name == "table":
        return {"kb_column_titles": COLUMN_TITLES.get(table, {})}
    if view_name != "row" or table != "cases" or request is None:
        return {}

    async def inner():
        case_id = request.url_vars.get("pks")
        db = datasette.get_database(database)
        return {"kb_case": await db.execute_fn(lambda conn: case_detail(conn, case_id))}

    return inner
