"""Coordinator pages that Datasette has no page for: start page, search, map and case comparison.

Each handler loads its page model in one database call and renders one template.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from datasette.utils.asgi import Response

from kb import search
from kb.datasette.analysis import CHARTS_PATH, PACKAGE_PATH, charts_page, package_download
from kb.datasette.case_list import CASES, Selection, chips
from kb.datasette.cards import DATABASE, cards, record_url, rows
from kb.datasette.pages import record_page, similar_cases
from kb.search_index import SEARCH_KINDS
from kb.text import fold, tokens

SEARCH_PATH, MAP_PATH, COMPARE_PATH = "/suche", "/karte", "/vergleich"
PER_KIND = 5
PER_KIND_ALL = 100
MAX_COMPARED = 3
DIRECT_KINDS = ("factor", "municipality", "field", "organization", "person", "event")


def _base_url(request) -> str:
    return f"{request.scheme}://{request.host}"


async def _render(datasette, request, template: str, context: dict[str, Any]) -> Response:
    return Response.html(await datasette.render_template(template, context, request=request))


# ---------------------------------------------------------------------------- start page


def home_model(conn: sqlite3.Connection) -> dict[str, Any]:
    counts = {table: conn.execute(f"select count(*) from {table}").fetchone()[0]
              for table in ("cases", "quotes", "factors", "events", "municipalities", "organizations", "sources")}
    groups = rows(conn, "select id, label, description from factor_groups order by position, id")
    factors = rows(conn, """
        select f.id, f.label, f.group_id, count(distinct cf.case_id) as cases from factors f
        left join case_factors cf on cf.factor_id = f.id group by f.id order by f.position, f.id""")
    fields = rows(conn, """
        select f.id, f.label, count(cf.case_id) as cases from fields f left join case_fields cf on cf.field_id = f.id
        group by f.id having cases > 0 order by cases desc, f.label""")
    for group in groups:
        group["factors"] = [f for f in factors if f["group_id"] == group["id"]]
    return {"counts": counts, "factor_groups": groups, "fields": fields}


async def home(datasette, request) -> Response:
    db = datasette.get_database(DATABASE)
    return await _render(datasette, request, "kb_home.html", {"kb_home": await db.execute_fn(home_model)})


# ---------------------------------------------------------------------------- search


def search_model(conn: sqlite3.Connection, query: str, kind: str | None) -> dict[str, Any]:
    result = search.search(conn, query, kind=kind, limit=PER_KIND_ALL if kind else PER_KIND)
    groups = []
    for group_kind, hits in result.groups.items():
        by_id = {c.id: c for c in cards(conn, group_kind, [h.record_id for h in hits])}
        for hit in hits:
            if hit.record_id in by_id:
                by_id[hit.record_id].excerpt = hit.excerpt
        groups.append({"kind": group_kind, "title": SEARCH_KINDS[group_kind][1], "total": result.totals[group_kind],
                       "cards": [by_id[h.record_id] for h in hits if h.record_id in by_id]})
    named = (next((c for c in g["cards"] if _same_words(c.title, result.searched)), None)
             for g in groups if g["kind"] in DIRECT_KINDS)
    direct = [card for card in named if card]
    return {"result": result, "groups": groups, "direct": direct,
            "empty_kinds": [title for k, (_, title) in SEARCH_KINDS.items() if k not in result.groups],
            "kind": kind}


def _same_words(title: str, query: str) -> bool:
    """A record whose name is what was searched for ("Offenbach" → Offenbach am Main) is shown first."""
    wanted = [fold(t) for t in tokens(query)]
    have = [fold(t) for t in tokens(title)]
    return bool(wanted) and have[:len(wanted)] == wanted


async def search_page(datasette, request) -> Response:
    query = (request.args.get("q") or "").strip()
    kind = request.args.get("art")
    kind = kind if kind in SEARCH_KINDS else None
    model = None
    if query:
        db = datasette.get_database(DATABASE)
        model = await db.execute_fn(lambda conn: search_model(conn, query, kind))
    return await _render(datasette, request, "kb_search.html",
                         {"kb_search": model, "q": query, "kb_query": query, "cases_url": datasette.urls.table(DATABASE, CASES)})


# ---------------------------------------------------------------------------- map


def map_model(conn: sqlite3.Connection, selection: Selection) -> dict[str, Any]:
    clauses, params = selection.where()
    where = f"where {' and '.join(clauses)}" if clauses else ""
    places = rows(conn, f"""
        select m.id, m.name, m.latitude, m.longitude, k.label as kind, g.id as geodata_id,
          json_group_array(json_array(c.id, c.title)) as cases, count(*) as count
        from (select id, title, municipality_id from cases {where}) c
        join municipalities m on m.id = c.municipality_id join municipality_kinds k on k.id = m.kind_id
        left join sources g on g.id = m.geodata_source_id
        group by m.id order by m.name""", params)
    markers = [{"name": p["name"], "lat": p["latitude"], "lon": p["longitude"], "url": record_url("municipality", p["id"]),
                "kind": p["kind"], "cases": [{"title": t, "url": record_url("case", i)} for i, t in json.loads(p["cases"])]}
               for p in places if p["latitude"] is not None]
    geodata = cards(conn, "source", sorted({p["geodata_id"] for p in places if p["geodata_id"]}))
    return {"places": places, "markers": markers, "geodata": geodata,
            "without_coordinates": [p for p in places if p["latitude"] is None],
            "cases": sum(p["count"] for p in places), "chips": chips(conn, selection, MAP_PATH)}


async def map_page(datasette, request) -> Response:
    selection = Selection.from_args(request.args)
    db = datasette.get_database(DATABASE)
    model = await db.execute_fn(lambda conn: map_model(conn, selection))
    list_url = datasette.urls.table(DATABASE, CASES) + (f"?{selection.query_string()}" if selection.active else "")
    return await _render(datasette, request, "kb_map.html", {"kb_map": model, "list_url": list_url})


# ---------------------------------------------------------------------------- compare


def compare_model(conn: sqlite3.Connection, ids: list[str], base_url: str) -> dict[str, Any]:
    pages = [p for p in (record_page(conn, CASES, i, base_url) for i in ids) if p is not None]
    evidence: dict[str, dict[str, dict]] = {}
    labels: dict[str, str] = {}
    for page in pages:
        for coding in page.sections["factors"]:
            labels[coding["id"]] = coding["label"]
            evidence.setdefault(coding["id"], {}).setdefault(page.record["id"], coding)
    # shared factors first, then the rest in codebook order
    order = {f: i for i, f in enumerate(r[0] for r in conn.execute("select id from factors order by position, id"))}
    factors = sorted(evidence, key=lambda f: (-len(evidence[f]), order.get(f, 0)))
    candidates = []
    if pages:
        candidates = [c for c, _, _ in similar_cases(conn, pages[0].record["id"], limit=8) if c.id not in ids]
    return {"pages": pages, "factors": [{"id": f, "label": labels[f], "url": record_url("factor", f),
                                         "by_case": evidence[f]} for f in factors],
            "candidates": candidates}


async def compare_page(datasette, request) -> Response:
    ids = list(dict.fromkeys(i for i in request.args.getlist("fall") if i))[:MAX_COMPARED]
    db = datasette.get_database(DATABASE)
    model = await db.execute_fn(lambda conn: compare_model(conn, ids, _base_url(request)))
    return await _render(datasette, request, "kb_compare.html", {"kb_compare": model, "ids": ids})


ROUTES = [(r"^/$", home), (rf"^{SEARCH_PATH}$", search_page), (rf"^{MAP_PATH}$", map_page),
          (rf"^{COMPARE_PATH}$", compare_page), (rf"^{CHARTS_PATH}$", charts_page),
          (rf"^{PACKAGE_PATH.replace('.', '[.]')}$", package_download)]
