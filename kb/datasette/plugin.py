"""The kb Datasette plugin: Datasette's hooks, each handing over to the module that does the work.

- pages: ``extra_template_vars`` gives every record page its page model (``pages``), every list its
  list model (``lists``) and the case list its filters (``case_list``);
- search: ``prepare_connection`` registers the German search functions, ``filters_from_request``
  makes ``?_search=`` use the same German search on every table, plus the case filters;
- facets: ``register_facet_classes`` adds the link-table facets of the case list; ``startup`` reads
  their bit sets in the background;
- ``register_routes``: start page, search, map and comparison (``routes``);
- ``register_output_renderer``: the case list as CSV for German Excel.

Registered through the ``datasette`` entry point in pyproject.toml, so ``datasette publish …
--install kooperationswissen`` serves the same site anywhere.
"""
from __future__ import annotations

import html
import json
import re
import threading

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import Response
from markupsafe import Markup

from kb import search
from kb.datasette import case_list, limits, routes
from kb.datasette.cards import DATABASE
from kb.datasette.formats import german_date, german_number
from kb.datasette.lists import LISTS, list_page
from kb.datasette.pages import RECORD_PAGES, record_page
from kb.excel import excel_csv
from kb.model import KINDS
from kb.search_index import SEARCH_KINDS
from kb.site import TABLE_FACETS, column_titles

COLUMN_TITLES = column_titles()
SEARCHABLE_TABLES = {KINDS[kind].table: kind for kind in SEARCH_KINDS}

SNIPPET_COLUMN = "ausschnitt"
LINK_COLUMN = "link"
_MARK = re.compile(r"&lt;(/?)mark&gt;")


@hookimpl
def prepare_connection(conn):
    search.register_functions(conn)
    limits.apply(conn)


@hookimpl
def startup(datasette):
    """Read the case list's bit sets in the background (~3 s at 100k cases), so that neither the first
    answer nor the first case list waits for them."""
    if DATABASE in datasette.databases and datasette.databases[DATABASE].path:
        threading.Thread(target=case_list.warm, args=(datasette.databases[DATABASE].path,), daemon=True).start()


@hookimpl
def register_routes():
    return routes.ROUTES


@hookimpl
def register_facet_classes():
    return [case_list.CaseFacet]


@hookimpl
def filters_from_request(request, database, table, datasette):
    """``?_search=`` runs the German search on every searchable table; the case list adds its filters."""
    if table not in SEARCHABLE_TABLES:
        return None
    if table == case_list.CASES:
        selection = case_list.Selection.from_args(request.args)
        clauses, params = selection.where()
        descriptions = [f"Suche: {selection.search}"] * bool(selection.search)
        descriptions += [f"{f.title}: {value}" for f, value in selection.values]
        return FilterArguments(clauses, params, descriptions)
    found = search.record_filter(request.args.get(case_list.SEARCH_PARAM), SEARCHABLE_TABLES[table])
    if found is None:
        return None
    return FilterArguments([found[0]], found[1], [f"Suche: {request.args.get(case_list.SEARCH_PARAM)}"])


@hookimpl
def render_cell(value, column):
    """Show <mark> in search snippets and make internal links clickable; everything else stays escaped."""
    if not isinstance(value, str):
        return None
    if column == SNIPPET_COLUMN:
        # Escape everything, then let only the <mark> tags through: safe for any SQL result.
        return Markup(_MARK.sub(r"<\1mark>", html.escape(html.unescape(value))))
    if column == LINK_COLUMN and re.fullmatch(r"/(?!/)[\w/%.-]*", value):  # "//host/…" would leave the site
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
    env.filters["kb_date"] = german_date
    env.filters["kb_number"] = german_number


def _case_list_model(conn, request, base: str) -> dict:
    selection = case_list.Selection.from_args(request.args)
    suggestion = search.correct(conn, selection.search) if selection.search else None
    return {
        "chips": case_list.chips(conn, selection, base),
        "query": selection.query_string(),
        "facet_names": [f.name for f in case_list.FILTERS],
        "hidden": [(k, v) for k, v in selection.query_pairs() if k != case_list.SEARCH_PARAM],
        "search": selection.search,
        "suggestion": suggestion,
        "labels": {"municipality": dict(conn.execute("select id, name from municipalities").fetchall()),
                   "state": dict(conn.execute("select id, label from states").fetchall())},
    }


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """Page models for coordinator pages; German facet headings for the analysts' tables."""
    if database != DATABASE or request is None:
        return {}
    db = datasette.get_database(database)
    if view_name == "row" and table in RECORD_PAGES:
        record_id = request.url_vars.get("pks")
        base_url = f"{request.scheme}://{request.host}"

        async def page():
            return {"kb_page": await db.execute_fn(lambda conn: record_page(conn, table, record_id, base_url))}

        return page
    if view_name == "table" and table == case_list.CASES:
        base = datasette.urls.table(database, table)

        async def case_list_vars():
            return {"kb_cases": await db.execute_fn(lambda conn: _case_list_model(conn, request, base))}

        return case_list_vars
    if view_name == "table" and table in LISTS:
        async def list_vars():
            return {"kb_list": await db.execute_fn(lambda conn: list_page(conn, table))}

        return list_vars
    if view_name == "table":
        return {"kb_column_titles": COLUMN_TITLES.get(table, {})}
    return {}


# ---------------------------------------------------------------------------- Excel download

EXCEL_SQL = """
select c.title, m.name, s.label, k.label,
  (select group_concat(f.label, '; ') from case_fields cf join fields f on f.id = cf.field_id where cf.case_id = c.id),
  (select group_concat(label, '; ') from (select distinct f.label from case_factors cf
     join factors f on f.id = cf.factor_id where cf.case_id = c.id order by f.position)),
  (select group_concat(coalesce(o.name, p.label), '; ') from case_partners p
     left join organizations o on o.id = p.organization_id where p.case_id = c.id),
  c.start_year, c.presented_year, c.status, c.summary, :base || '/kb/cases/' || c.id,
  (select group_concat(src.url, '; ') from case_sources cs join sources src on src.id = cs.source_id
     where cs.case_id = c.id)
from cases c join municipalities m on m.id = c.municipality_id
left join states s on s.id = c.state_id left join municipality_kinds k on k.id = c.municipality_kind_id
where c.id in (select id from cases {where}) order by c.title
"""
EXCEL_HEADERS = ("Praxisbeispiel", "Kommune", "Bundesland", "Kommunentyp", "Handlungsfelder", "Erfolgsfaktoren",
                 "Partner", "Beginn (Jahr)", "Vorgestellt (Jahr)", "Status", "Zusammenfassung", "Adresse", "Quellen")


def excel_rows(conn, selection: case_list.Selection, base_url: str) -> list[tuple]:
    clauses, params = selection.where()
    where = f"where {' and '.join(clauses)}" if clauses else ""
    return conn.execute(EXCEL_SQL.format(where=where), {**params, "base": base_url}).fetchall()


async def _render_excel(datasette, request, database, table):
    selection = case_list.Selection.from_args(request.args)
    base_url = f"{request.scheme}://{request.host}"
    found = await datasette.get_database(database).execute_fn(lambda conn: excel_rows(conn, selection, base_url))
    return Response(excel_csv(EXCEL_HEADERS, found), content_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="praxisbeispiele.csv"'})


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "excel", "render": _render_excel,
            "can_render": lambda table, database: database == DATABASE and table == case_list.CASES}


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
def extra_body_script(view_name, table):
    """On the analysts' tables, column descriptions fold away behind „Spaltenbeschreibungen“."""
    coordinator = table == case_list.CASES or table in LISTS
    return _COLLAPSE_COLUMN_DESCRIPTIONS if view_name == "table" and not coordinator else None
