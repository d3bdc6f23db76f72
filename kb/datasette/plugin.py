"""The kb Datasette plugin: German search functions for SQL and safe rendering of their output.

Registered through the ``datasette`` entry point in pyproject.toml, so ``datasette publish …
--install kooperationswissen`` serves the same site anywhere.
"""
from __future__ import annotations

import html
import json
import re

from datasette import hookimpl
from markupsafe import Markup

from kb.datasette import sql_functions
from kb.datasette.case_page import case_detail
from kb.site import TABLE_FACETS, column_titles

COLUMN_TITLES = column_titles()

SNIPPET_COLUMN = "ausschnitt"
LINK_COLUMN = "link"
_MARK = re.compile(r"&lt;(/?)mark&gt;")


@hookimpl
def prepare_connection(conn):
    sql_functions.prepare(conn)


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


def facet_order(facet_results: list[dict], table: str) -> list[dict]:
    """Facets in the order metadata.yml lists them (Datasette sorts by number of values)."""
    names = [f if isinstance(f, str) else next(iter(f.values())) for f in TABLE_FACETS.get(table, [])]
    return sorted(facet_results, key=lambda f: names.index(f["name"]) if f["name"] in names else len(names))


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["kb_json"] = lambda value: json.loads(value) if isinstance(value, str) and value else []
    env.filters["kb_facet_order"] = facet_order


async def _labels(db, sql: str) -> dict[str, str]:
    return dict((await db.execute(sql)).rows)


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """German facet headings on table pages; the cases list gets place names; the case page
    (row-kb-cases.html) gets the case with partners, factors, quotes and sources."""
    if view_name == "table":
        if table != "cases":
            return {"kb_column_titles": COLUMN_TITLES.get(table, {})}

        async def with_labels():
            db = datasette.get_database(database)
            return {"kb_column_titles": COLUMN_TITLES["cases"], "kb_labels": {
                "municipality": await _labels(db, "select id, name from municipalities"),
                "state": await _labels(db, "select id, label from states")}}

        return with_labels
    if view_name != "row" or table != "cases" or request is None:
        return {}

    async def inner():
        case_id = request.url_vars.get("pks")
        db = datasette.get_database(database)
        return {"kb_case": await db.execute_fn(lambda conn: case_detail(conn, case_id))}

    return inner


_COLLAPSE_COLUMN_DESCRIPTIONS = """
document.querySelectorAll("dl.column-descriptions").forEach(function (dl) {
  var details = document.createElement("details");
  var summary = document.createElement("summary");
  summary.textContent = "Spaltenbeschreibungen";
  details.className = "kb-column-descriptions";
  details.appendChild(summary);
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(dl);
});
"""


@hookimpl
def extra_body_script(view_name):
    """Column descriptions fold away behind „Spaltenbeschreibungen“ so the list comes first."""
    return _COLLAPSE_COLUMN_DESCRIPTIONS if view_name == "table" else None
