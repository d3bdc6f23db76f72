"""The case list for coordinators: German filters, facets counted from the link tables, filter chips.

One list of ``CaseFilter``s drives everything the case list does with a filter: the ``where``
clause (through Datasette's ``filters_from_request`` hook), the facet counts (a facet class
registered through ``register_facet_classes``), the chips that describe the active filters
(„Erfolgsfaktor: Transparenz ✕“), the map and the Excel download of the same selection.

Facets count from the link tables, never with ``json_each`` over a JSON column (Datasette's array
facet sorts whole rows and times out at scale). A ``group by`` per facet restricted to the filtered
ids still costs ~100 ms per facet at 100k cases, so each database's link tables are read once per
process into bit sets (one per filter value, bit = the case's rowid): a facet is then an AND and a
popcount per value, whatever the size of the selection. The filtered rowids come from one query per
request (the search's hits are cached per query: the database is immutable). A facet that runs out
of time is reported, never silently dropped.
"""
from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
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
    members: str        # (value, label, sort key, case rowid) of every value and case
    label: str          # label of one value ``:value``
    multiple: bool      # several values narrow further (AND); otherwise a new value replaces the old one
    by_value: bool = False  # listed by value, newest first (years), instead of by count

    @property
    def name(self) -> str:
        return self.param.lstrip("_")


def _link(param: str, title: str, table: str, column: str, labels: str, order: str = "label") -> CaseFilter:
    """A filter over a link table ``table(case_id, column)`` whose values are labelled by ``labels``."""
    return CaseFilter(
        param, title, f"id in (select case_id from {table} where {column} = :{{name}})",
        f"""select l.{column}, v.{_label_column(labels)}, v.{order}, c.rowid
            from {table} l join {labels} v on v.id = l.{column} join cases c on c.id = l.case_id""",
        f"select {_label_column(labels)} from {labels} where id = :value", multiple=True)


def _column(param: str, title: str, column: str, labels: str | None, by_value: bool = False) -> CaseFilter:
    """A filter over a column of ``cases``, labelled by the table ``labels`` (or the value itself)."""
    label = f"v.{_label_column(labels)}" if labels else f"c.{column}"
    join = f"join {labels} v on v.id = c.{column}" if labels else ""
    return CaseFilter(
        param, title, f"{column} = :{{name}}",
        f"select c.{column}, {label}, {label}, c.rowid from cases c {join} where c.{column} is not null",
        f"select {_label_column(labels)} from {labels} where id = :value" if labels else "select :value",
        multiple=False, by_value=by_value)


def _label_column(table: str | None) -> str:
    return {"events": "title"}.get(table or "", "label")


FILTERS: tuple[CaseFilter, ...] = (
    _link("_faktor", "Erfolgsfaktor", "case_factors", "factor_id", "factors", order="position"),
    _link("_feld", "Handlungsfeld", "case_fields", "field_id", "fields"),
    _column("_land", "Bundesland", "state_id", "states"),
    _column("_kommunentyp", "Kommunentyp", "municipality_kind_id", "municipality_kinds"),
    _link("_partnertyp", "Partnertyp", "case_partners", "actor_type_id", "actor_types"),
    _column("_beginn", "Beginn (Jahr)", "start_year", None, by_value=True),
    _column("_vorgestellt", "Vorgestellt (Jahr)", "presented_year", None, by_value=True),
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


class FacetBits:
    """Every filter value of one database as a bit set of case rowids (read once per process)."""

    def __init__(self, conn: sqlite3.Connection):
        self.values: dict[str, list[tuple[str, str, Any, int]]] = {}  # param → (value, label, sort key, bits)
        for f in FILTERS:
            members: dict[Any, tuple[Any, Any, list[int]]] = {}
            for value, label, key, rowid in conn.execute(f.members):
                entry = members.get(value)
                if entry is None:
                    entry = members[value] = (label, key, [])
                entry[2].append(rowid)
            self.values[f.param] = [(str(v), str(label), key, rowid_bits(rowids))
                                    for v, (label, key, rowids) in members.items()]


_BITS: dict[str, FacetBits] = {}
_BITS_LOCK = threading.Lock()


def facet_bits(conn: sqlite3.Connection, key: str) -> FacetBits:
    """The bit sets of the database ``key`` (its path and modification time: a rebuilt file is a new key)."""
    with _BITS_LOCK:
        if key not in _BITS:
            _BITS.clear()  # one database per process; a rebuilt file replaces the old one
            _BITS[key] = FacetBits(conn)
        return _BITS[key]


def database_key(conn: sqlite3.Connection) -> str:
    """The database file ``conn`` reads, with its modification time and size (a rebuilt file is a new key)."""
    return repr(search.file_key(conn))


def warm(path: str) -> None:
    """Read the bit sets of the database file ``path`` with a connection of its own (at start-up)."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        facet_bits(conn, database_key(conn))
    finally:
        conn.close()


def _add(planes: list[int], members: int) -> None:
    """Add 1 for every case in ``members`` to a bit-sliced counter (plane i holds bit i of each count)."""
    carry = members
    for i, plane in enumerate(planes):
        planes[i], carry = plane ^ carry, plane & carry
        if not carry:
            return
    planes.append(carry)


def _equal(planes: list[int], n: int) -> int:
    """The cases whose count in a bit-sliced counter is exactly ``n`` (n = 0: a co-infinite set)."""
    if n >> len(planes):
        return 0
    kept = -1
    for i, plane in enumerate(planes):
        kept &= plane if n >> i & 1 else ~plane
    return kept


def similar_rowids(bits: FacetBits, rowid: int, limit: int) -> list[tuple[int, int, int]]:
    """(rowid, shared factors, shared Handlungsfelder) of the cases most like case ``rowid``: by shared factors
    counting twice plus shared Handlungsfelder, then by factors, then by id (rowids follow the ids).

    Counted for all cases at once on the bit sets (a few ms at 100k cases, against ~400 ms in SQL)."""
    own = 1 << rowid
    factors = [members for *_, members in bits.values["_faktor"] if members & own]
    fields = [members for *_, members in bits.values["_feld"] if members & own]
    factor_count: list[int] = []
    field_count: list[int] = []
    for members in factors:
        _add(factor_count, members)
    for members in fields:
        _add(field_count, members)
    levels = sorted(((f, d) for f in range(len(factors) + 1) for d in range(len(fields) + 1) if f or d),
                    key=lambda level: (-2 * level[0] - level[1], -level[0]))
    found: list[tuple[int, int, int]] = []
    for f, d in levels:
        members = _equal(factor_count, f) & _equal(field_count, d) & ~own
        while members and len(found) < limit:
            lowest = members & -members
            found.append((lowest.bit_length() - 1, f, d))
            members ^= lowest
        if len(found) == limit:
            break
    return found


_HITS: OrderedDict[tuple[str, str], int] = OrderedDict()
_HITS_SIZE = 256  # searches remembered per process (~12 KB each at 100k cases)


def search_bits(conn: sqlite3.Connection, key: str, query: str) -> int:
    """The cases the German search finds for ``query``, as a bit set of rowids (cached: the file is immutable)."""
    with _BITS_LOCK:
        if (key, query) in _HITS:
            _HITS.move_to_end((key, query))
            return _HITS[(key, query)]
    found = search.record_filter(query, "case")
    # a case's document id is its rowid; documents of other kinds have higher ids and never meet a case's bit
    bits = rowid_bits(r for (r,) in conn.execute(search.matching_sql(":kb_match", ":kb_trigram"), found[1])) \
        if found else 0
    with _BITS_LOCK:
        _HITS[(key, query)] = bits
        while len(_HITS) > _HITS_SIZE:
            _HITS.popitem(last=False)
    return bits


def selection_bits(conn: sqlite3.Connection, key: str, bits: FacetBits, selection: Selection) -> int | None:
    """The cases a selection of case filters keeps, from the bit sets alone (None: no filter, all cases)."""
    if not selection.active:
        return None
    kept = search_bits(conn, key, selection.search) if selection.search else -1  # -1: every bit set
    for f, value in selection.values:
        kept &= next((members for v, _, _, members in bits.values[f.param] if v == value), 0)
    return kept


def only_case_filters(args: Any) -> bool:
    """Whether the request filters by nothing but the case filters (no Datasette column filter or _where)."""
    return all(k.startswith("_") and not k.startswith(("_where", "_filter")) for k in args)


def rowid_bits(rowids) -> int:
    """A bit set (Python int, bit n = rowid n) from rowids: written as a string of 0/1 and parsed once,
    which is ~20× faster than setting bits of an int or a bytearray one by one."""
    rowids = list(rowids)
    if not rowids:
        return 0
    digits = bytearray(b"0" * (max(rowids) + 1))
    for rowid in rowids:
        digits[rowid] = 49  # "1"
    return int(digits[::-1], 2)


def _sort_key(f: CaseFilter, label: str, key: Any, count: int) -> tuple:
    nulls_first = (key is not None, key if key is not None else 0)  # SQLite's ascending order
    return (-(key or 0),) if f.by_value else (-count, nulls_first, label)


def facet_counts(bits: FacetBits, selection: Selection, filtered: int | None, base: str,
                 size: int) -> list[dict]:
    """Every filter's values with counts among the filtered cases (bit set of rowids; None: all cases)."""
    facets = []
    for f in FILTERS:
        counted = []
        for value, label, key, members in bits.values[f.param]:
            count = (members & filtered if filtered is not None else members).bit_count()
            if count:
                counted.append((_sort_key(f, label, key, count), value, label, count))
        counted.sort(key=lambda item: item[0])
        results = [{
            "value": value, "label": label, "count": count,
            "selected": selection.is_selected(f.param, value),
            "toggle_url": _url(base, selection.query_string(without=(f.param, value))
                               if selection.is_selected(f.param, value)
                               else selection.query_string(adding=(f.param, value))),
        } for _, value, label, count in counted[:size]]
        facets.append({"name": f.name, "title": f.title, "type": "kb", "hideable": False, "toggle_url": base,
                       "results": results, "truncated": len(counted) > size, "timed_out": False})
    return facets


def timed_out_facets(base: str) -> list[dict]:
    """Every facet, marked as timed out: the page says so instead of leaving them out."""
    return [{"name": f.name, "title": f.title, "type": "kb", "hideable": False, "toggle_url": base,
             "results": [], "truncated": False, "timed_out": True} for f in FILTERS]


class CaseFacet(Facet):
    """Datasette facet type ``kb``: all case filters, counted from link tables (enabled in metadata.yml)."""

    type = "kb"

    async def facet_results(self):
        if self.table != CASES or not self.get_configs():
            return [], []
        selection = Selection.from_args(self.request.args)
        base = self.ds.urls.table(self.database, CASES)
        size = self.get_facet_size()
        limit = self.ds.setting("facet_time_limit_ms")
        db = self.ds.get_database(self.database)
        filtered_sql = None
        if not only_case_filters(self.request.args) and " where " in self.sql:
            filtered_sql = f"select rowid from cases where id in (select id from ({self.sql}))"
        params = dict(self.params) if isinstance(self.params, dict) else self.params

        def count(conn: sqlite3.Connection) -> tuple[list[dict], list[str]]:
            # read once per process and bounded by the data's size: never interrupted (under load an
            # interrupted first read would be retried, and time out, on every request)
            key = database_key(conn)
            bits = facet_bits(conn, key)
            try:
                with sqlite_timelimit(conn, limit):
                    filtered = (rowid_bits(r for (r,) in conn.execute(filtered_sql, params)) if filtered_sql
                                else selection_bits(conn, key, bits, selection))
            except sqlite3.OperationalError as exc:
                if "interrupted" not in str(exc):
                    raise
                # reported in the page and, unlike Datasette's own facets, in the JSON
                return timed_out_facets(base), [f.name for f in FILTERS]
            return facet_counts(bits, selection, filtered, base, size), []

        return await db.execute_fn(count)
