"""The case list for coordinators: German filters, facets counted from the link tables, filter chips.

One list of ``CaseFilter``s drives everything the case list does with a filter: the ``where``
clause (through Datasette's ``filters_from_request`` hook), the facet counts (a facet class
registered through ``register_facet_classes``), the chips that describe the active filters
(„Erfolgsfaktor: Transparenz ✕“), the map and the Excel download of the same selection.

Facets count with a ``group by`` over an indexed link table restricted to the filtered case ids,
never with ``json_each`` over a JSON column (Datasette's array facet sorts whole rows and times
out at scale). A facet that runs out of time is reported, never silently dropped.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from datasette.facets import Facet
from datasette.utils import sqlite_timelimit

from kb import search

CASES = "cases"
SEARCH_PARAM = "_search"


@dataclass(frozen=True)
class CaseFilter:
    param: str          # query-string parameter (underscore: Datasette must not read it as a column filter)
    title: str          # German heading
    where: str          # condition on ``cases`` for one selected value ``:{name}``
    values: str         # value, label, count of every value among the filtered case ids ``{ids}``
    label: str          # label of one value ``:value``
    multiple: bool      # several values narrow further (AND); otherwise a new value replaces the old one

    @property
    def name(self) -> str:
        return self.param.lstrip("_")


def _link(param: str, title: str, table: str, column: str, labels: str, order: str = "label") -> CaseFilter:
    """A filter over a link table ``table(case_id, column)`` whose values are labelled by ``labels``."""
    return CaseFilter(
        param, title, f"id in (select case_id from {table} where {column} = :{{name}})",
        f"""select l.{column} as value, v.{_label_column(labels)} as label, count(distinct l.case_id) as count
            from {table} l join {labels} v on v.id = l.{column} {{restrict}}
            group by l.{column} order by count desc, v.{order}""",
        f"select {_label_column(labels)} from {labels} where id = :value", multiple=True)


def _column(param: str, title: str, column: str, labels: str | None, order: str = "count desc, label") -> CaseFilter:
    """A filter over a column of ``cases``, labelled by the table ``labels`` (or the value itself)."""
    label = f"v.{_label_column(labels)}" if labels else f"c.{column}"
    join = f"join {labels} v on v.id = c.{column}" if labels else ""
    return CaseFilter(
        param, title, f"{column} = :{{name}}",
        f"""select c.{column} as value, {label} as label, count(*) as count from cases c {join}
            where c.{column} is not null {{and_restrict}} group by c.{column} order by {order}""",
        f"select {_label_column(labels)} from {labels} where id = :value" if labels else "select :value",
        multiple=False)


def _label_column(table: str | None) -> str:
    return {"events": "title"}.get(table or "", "label")


FILTERS: tuple[CaseFilter, ...] = (
    _link("_faktor", "Erfolgsfaktor", "case_factors", "factor_id", "factors", order="position"),
    _link("_feld", "Handlungsfeld", "case_fields", "field_id", "fields"),
    _column("_land", "Bundesland", "state_id", "states"),
    _column("_kommunentyp", "Kommunentyp", "municipality_kind_id", "municipality_kinds"),
    _link("_partnertyp", "Partnertyp", "case_partners", "actor_type_id", "actor_types"),
    _column("_beginn", "Beginn (Jahr)", "start_year", None, order="value desc"),
    _column("_vorgestellt", "Vorgestellt (Jahr)", "presented_year", None, order="value desc"),
    _link("_veranstaltung", "Vorgestellt auf", "case_events", "event_id", "events", order="date"),
)
FILTER_BY_PARAM = {f.param: f for f in FILTERS}


@dataclass(frozen=True)
class Selection:
    """The filters active in a request, in a form SQL, chips and links share."""

    search: str
    values: tuple[tuple[CaseFilter, str], ...]

    @classmethod
    def from_args(cls, args: Any) -> Selection:
        values = []
        for f in FILTERS:
            chosen = [v for v in args.getlist(f.param) if v]
            values += [(f, v) for v in (chosen if f.multiple else chosen[-1:])]
        return cls((args.get(SEARCH_PARAM) or "").strip(), tuple(values))

    @property
    def active(self) -> bool:
        return bool(self.search or self.values)

    def where(self) -> tuple[list[str], dict[str, Any]]:
        clauses, params = [], {}
        if self.search:
            found = search.record_filter(self.search, "case")
            clauses.append(found[0] if found else "0")
            params.update(found[1] if found else {})
        for i, (f, value) in enumerate(self.values):
            name = f"kb_{f.name}_{i}"
            clauses.append(f.where.format(name=name))
            params[name] = value
        return clauses, params

    def query_pairs(self, without: tuple[str, str] | None = None) -> list[tuple[str, str]]:
        pairs = [(SEARCH_PARAM, self.search)] if self.search and without != (SEARCH_PARAM, self.search) else []
        return pairs + [(f.param, v) for f, v in self.values if (f.param, v) != without]

    def query_string(self, without: tuple[str, str] | None = None, adding: tuple[str, str] | None = None) -> str:
        pairs = self.query_pairs(without)
        if adding:
            param, value = adding
            if not FILTER_BY_PARAM[param].multiple:
                pairs = [p for p in pairs if p[0] != param]
            pairs.append(adding)
        return urlencode(pairs)

    def is_selected(self, param: str, value: str) -> bool:
        return any(f.param == param and v == value for f, v in self.values)


def value_label(conn: sqlite3.Connection, f: CaseFilter, value: str) -> str:
    row = conn.execute(f.label, {"value": value}).fetchone()
    return str(row[0]) if row and row[0] is not None else value


def chips(conn: sqlite3.Connection, selection: Selection, base: str) -> list[dict[str, str]]:
    """One chip per active filter: „Erfolgsfaktor: Transparenz“ with the address that removes it."""
    out = []
    if selection.search:
        out.append({"title": "Suche", "label": selection.search,
                    "remove": _url(base, selection.query_string(without=(SEARCH_PARAM, selection.search)))})
    for f, value in selection.values:
        out.append({"title": f.title, "label": value_label(conn, f, value),
                    "remove": _url(base, selection.query_string(without=(f.param, value)))})
    return out


def _url(base: str, query: str) -> str:
    return f"{base}?{query}" if query else base


def facet_counts(conn: sqlite3.Connection, selection: Selection, filtered_ids_sql: str | None,
                 params: dict[str, Any], base: str, size: int, time_limit_ms: int) -> tuple[list[dict], list[str]]:
    """Every filter's values with counts among the filtered cases (all cases when ``filtered_ids_sql`` is None).

    Returns (facets, names of facets that ran out of time); a facet that ran out of time is
    still listed, with ``timed_out`` set and no values."""
    facets, timed_out = [], []
    for f in FILTERS:
        restrict = f"where l.case_id in ({filtered_ids_sql})" if filtered_ids_sql else ""
        sql = f.values.format(restrict=restrict, and_restrict=f"and c.id in ({filtered_ids_sql})"
                              if filtered_ids_sql else "")
        try:
            with sqlite_timelimit(conn, time_limit_ms):
                found = conn.execute(f"{sql} limit {size + 1}", params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            timed_out.append(f.name)  # reported in the page and, unlike Datasette's own facets, in the JSON
            facets.append({"name": f.name, "title": f.title, "type": "kb", "hideable": False, "toggle_url": base,
                           "results": [], "truncated": False, "timed_out": True})
            continue
        results = [{
            "value": str(value), "label": str(label), "count": count,
            "selected": selection.is_selected(f.param, str(value)),
            "toggle_url": _url(base, selection.query_string(without=(f.param, str(value)))
                               if selection.is_selected(f.param, str(value))
                               else selection.query_string(adding=(f.param, str(value)))),
        } for value, label, count in found[:size]]
        facets.append({"name": f.name, "title": f.title, "type": "kb", "hideable": False, "toggle_url": base,
                       "results": results, "truncated": len(found) > size, "timed_out": False})
    return facets, timed_out


class CaseFacet(Facet):
    """Datasette facet type ``kb``: all case filters, counted from link tables (enabled in metadata.yml)."""

    type = "kb"

    async def facet_results(self):
        if self.table != CASES or not self.get_configs():
            return [], []
        selection = Selection.from_args(self.request.args)
        filtered = f"select id from ({self.sql})" if " where " in self.sql else None
        base = self.ds.urls.table(self.database, CASES)
        size = self.get_facet_size()
        limit = self.ds.setting("facet_time_limit_ms")
        params = dict(self.params) if isinstance(self.params, dict) else self.params
        db = self.ds.get_database(self.database)
        return await db.execute_fn(lambda conn: facet_counts(conn, selection, filtered, params, base, size, limit))
