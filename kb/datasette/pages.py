"""The page model: what each coordinator page shows, as plain data for its template.

Every record page is a ``Page`` (kind, title, the record's row and named sections of related
records); one loader per kind fills it, and one template per kind (``row-kb-<table>.html``) renders
it. Related records are ``Card``s from ``kb.datasette.cards``, so they look the same everywhere.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable

from kb.datasette.case_list import database_key, facet_bits, similar_rowids
from kb.datasette.cards import SOURCE_KINDS, Card, cards, record_url, rows
from kb.datasette.formats import german_date, inner_quotes
from kb.model import KINDS
from kb.search_index import SEARCH_KINDS

SITE_TITLE = "Kooperationswissen"


@dataclass
class Page:
    kind: str
    title: str
    record: dict[str, Any]
    sections: dict[str, Any] = field(default_factory=dict)
    cite_as: str | None = None          # what the citation names, if not the title
    label: str | None = None            # the kind as the page names it, if not the kind's name
    citation: str | None = None         # set by ``record_page``

    @property
    def kind_label(self) -> str:
        return self.label or SEARCH_KINDS[self.kind][0]

    @property
    def url(self) -> str:
        return record_url(self.kind, self.record["id"])


def _one(conn: sqlite3.Connection, sql: str, record_id: str) -> dict[str, Any] | None:
    found = rows(conn, sql, {"id": record_id})
    return found[0] if found else None


def _ids(conn: sqlite3.Connection, sql: str, record_id: str) -> list[str]:
    return [r[0] for r in conn.execute(sql, {"id": record_id})]


def _notes(conn: sqlite3.Connection, kind: str, record_id: str) -> list[str]:
    return [r[0] for r in conn.execute(f"select text from {kind}_notes where {kind}_id = :id order by position",
                                       {"id": record_id})]


def _sources(conn: sqlite3.Connection, kind: str, record_id: str) -> list[Card]:
    return cards(conn, "source", _ids(conn, f"select source_id from {kind}_sources where {kind}_id = :id "
                                            "order by position", record_id))


def data_date(conn: sqlite3.Connection) -> str:
    """The date the published data stands for (the data date if the build records one, else the build date)."""
    columns = {r[1] for r in conn.execute("pragma table_info(build_info)")}
    column = "data_date" if "data_date" in columns else "built_at"
    row = conn.execute(f"select {column} from build_info").fetchone()
    return (row[0] or "")[:10] if row else ""


def citation(conn: sqlite3.Connection, page: Page, base_url: str) -> str:
    """A citation in German style with the record's address and the date the data stands for."""
    return (f"„{inner_quotes(page.cite_as or page.title)}“. {page.kind_label} in: {SITE_TITLE}. Offene Wissensbasis "
            f"gelingender kommunaler Kooperation. Stand: {german_date(data_date(conn))}. {base_url}{page.url}")


def similar_cases(conn: sqlite3.Connection, case_id: str, limit: int = 5) -> list[tuple[Card, int, int]]:
    """Cases ranked by shared factors (counting twice) and shared Handlungsfelder (``similar_rowids``)."""
    own = conn.execute("select rowid from cases where id = ?", [case_id]).fetchone()
    found = similar_rowids(facet_bits(conn, database_key(conn)), own[0], limit) if own else []
    ids = dict(conn.execute(f"select rowid, id from cases where rowid in ({', '.join('?' * len(found))})",
                            [rowid for rowid, _, _ in found]))
    by_id = {c.id: c for c in cards(conn, "case", list(ids.values()))}
    return [(by_id[ids[rowid]], factors, fields) for rowid, factors, fields in found if ids.get(rowid) in by_id]


def _case(conn: sqlite3.Connection, case_id: str) -> Page | None:
    case = _one(conn, """
        select c.*, m.name as municipality, s.label as state, k.label as municipality_kind
        from cases c join municipalities m on m.id = c.municipality_id
        left join states s on s.id = c.state_id left join municipality_kinds k on k.id = c.municipality_kind_id
        where c.id = :id""", case_id)
    if case is None:
        return None
    sections = {
        "fields": rows(conn, "select f.id, f.label from case_fields cf join fields f on f.id = cf.field_id "
                             "where cf.case_id = :id order by cf.position", {"id": case_id}),
        "partners": rows(conn, """
            select coalesce(o.name, p.label) as name, o.id as organization_id, a.label as actor_type, p.role
            from case_partners p join actor_types a on a.id = p.actor_type_id
            left join organizations o on o.id = p.organization_id
            where p.case_id = :id order by p.position""", {"id": case_id}),
        "factors": rows(conn, """
            select f.id, f.label, g.label as group_label, cf.*, s.title as source_title, s.url as source_url
            from case_factors cf join factors f on f.id = cf.factor_id join factor_groups g on g.id = f.group_id
            join sources s on s.id = cf.source_id
            where cf.case_id = :id order by f.position, cf.position""", {"id": case_id}),
        "events": cards(conn, "event", _ids(conn, "select event_id from case_events where case_id = :id "
                                                  "order by position", case_id)),
        "people": rows(conn, "select p.id, p.name, cp.role from case_people cp join people p on p.id = cp.person_id "
                             "where cp.case_id = :id order by cp.position", {"id": case_id}),
        "quotes": cards(conn, "quote", _ids(conn, "select quote_id from quote_cases where case_id = :id "
                                                  "order by quote_id", case_id)),
        "sources": _sources(conn, "case", case_id),
        "notes": _notes(conn, "case", case_id),
        "similar": similar_cases(conn, case_id),
    }
    return Page("case", case["title"], case, sections)


def _factor(conn: sqlite3.Connection, factor_id: str) -> Page | None:
    factor = _one(conn, """select f.*, g.label as group_label, g.description as group_description
                           from factors f join factor_groups g on g.id = f.group_id where f.id = :id""", factor_id)
    if factor is None:
        return None
    codings = rows(conn, """
        select cf.case_id, cf.*, s.title as source_title, s.url as source_url
        from case_factors cf join sources s on s.id = cf.source_id join cases c on c.id = cf.case_id
        where cf.factor_id = :id order by c.title, cf.position""", {"id": factor_id})
    case_cards = {c.id: c for c in cards(conn, "case", [r["case_id"] for r in codings])}
    related = rows(conn, """
        select f.id, f.label, count(distinct b.case_id) as shared
        from case_factors a join case_factors b on b.case_id = a.case_id and b.factor_id != a.factor_id
        join factors f on f.id = b.factor_id
        where a.factor_id = :id group by f.id order by shared desc, f.position limit 8""", {"id": factor_id})
    sections = {
        "codings": [(case_cards[r["case_id"]], r) for r in codings if r["case_id"] in case_cards],
        "quotes": cards(conn, "quote", _ids(conn, "select quote_id from quote_factors where factor_id = :id "
                                                  "order by quote_id", factor_id)),
        "related": related,
        "group": cards(conn, "factor", _ids(conn, "select id from factors where group_id = (select group_id from "
                                                  "factors where id = :id) and id != :id order by position",
                                            factor_id)),
    }
    return Page("factor", factor["label"], factor, sections)


def _quote(conn: sqlite3.Connection, quote_id: str) -> Page | None:
    quote = _one(conn, """
        select q.*, coalesce(p.name, q.unattributed) as speaker, e.title as event, e.date as event_date,
          e.date_end as event_date_end, s.title as source_title, s.url as source_url, s.publisher as source_publisher,
          s.date as source_date
        from quotes q left join people p on p.id = q.speaker_id left join events e on e.id = q.event_id
        join sources s on s.id = q.source_id where q.id = :id""", quote_id)
    if quote is None:
        return None
    sections = {
        "card": cards(conn, "quote", [quote_id])[0],
        "organizations": rows(conn, """
            select distinct o.id, o.name from person_roles r join organizations o on o.id = r.organization_id
            where r.person_id = :speaker and r.source_id = :source""",
                              {"speaker": quote["speaker_id"], "source": quote["source_id"]}),
        "factors": rows(conn, "select f.id, f.label from quote_factors qf join factors f on f.id = qf.factor_id "
                              "where qf.quote_id = :id order by qf.position", {"id": quote_id}),
        "cases": cards(conn, "case", _ids(conn, "select case_id from quote_cases where quote_id = :id "
                                                "order by position", quote_id)),
        "variants": cards(conn, "quote", _ids(conn, "select variant_id from quote_variants where quote_id = :id "
                                                    "order by position", quote_id)),
        "more": cards(conn, "quote", _ids(conn, "select id from quotes where speaker_id = (select speaker_id from "
                                                "quotes where id = :id) and id != :id order by id", quote_id)),
        "notes": _notes(conn, "quote", quote_id),
    }
    label = "Aussage laut Bericht" if quote.get("speech") == "indirect" else "Zitat"
    excerpt = quote["text"][:120] + ("…" if len(quote["text"]) > 120 else "")
    return Page("quote", f"{label}: {quote['speaker']}", quote, sections, cite_as=excerpt, label=label)


def _event(conn: sqlite3.Connection, event_id: str) -> Page | None:
    event = _one(conn, """
        select e.*, m.name as municipality, s.title as series_title from events e
        left join municipalities m on m.id = e.municipality_id left join series s on s.id = e.series_id
        where e.id = :id""", event_id)
    if event is None:
        return None
    sections = {
        "organizers": cards(conn, "organization", _ids(conn, "select organization_id from event_organizers "
                                                              "where event_id = :id order by position", event_id)),
        "people": rows(conn, "select p.id, p.name, ep.role from event_people ep join people p on p.id = ep.person_id "
                             "where ep.event_id = :id order by ep.position", {"id": event_id}),
        "cases": cards(conn, "case", _ids(conn, "select ce.case_id from case_events ce join cases c on c.id = ce.case_id "
                                                "where ce.event_id = :id order by c.title", event_id)),
        "quotes": cards(conn, "quote", _ids(conn, "select id from quotes where event_id = :id order by id", event_id)),
        "sources": _sources(conn, "event", event_id),
        "notes": _notes(conn, "event", event_id),
    }
    return Page("event", event["title"], event, sections)


def _municipality(conn: sqlite3.Connection, municipality_id: str) -> Page | None:
    municipality = _one(conn, """
        select m.*, k.label as kind, s.label as state, g.title as geodata_title, g.url as geodata_url
        from municipalities m join municipality_kinds k on k.id = m.kind_id join states s on s.id = m.state_id
        left join sources g on g.id = m.geodata_source_id where m.id = :id""", municipality_id)
    if municipality is None:
        return None
    sections = {
        "cases": cards(conn, "case", _ids(conn, "select id from cases where municipality_id = :id order by title",
                                          municipality_id)),
        "organizations": cards(conn, "organization", _ids(conn, "select id from organizations where "
                                                                "municipality_id = :id order by name", municipality_id)),
        "people": cards(conn, "person", _ids(conn, """
            select distinct r.person_id from person_roles r left join organizations o on o.id = r.organization_id
            join people p on p.id = r.person_id
            where r.municipality_id = :id or o.municipality_id = :id order by p.name""", municipality_id)),
        "events": cards(conn, "event", _ids(conn, "select id from events where municipality_id = :id order by date",
                                            municipality_id)),
        "sources": _sources(conn, "municipality", municipality_id),
        "notes": _notes(conn, "municipality", municipality_id),
    }
    return Page("municipality", municipality["name"], municipality, sections)


def _person(conn: sqlite3.Connection, person_id: str) -> Page | None:
    person = _one(conn, "select * from people where id = :id", person_id)
    if person is None:
        return None
    sections = {
        "roles": rows(conn, """
            select r.role, r.as_of, o.id as organization_id, o.name as organization, m.id as municipality_id,
              m.name as municipality, s.id as source_id, s.title as source_title, s.url as source_url
            from person_roles r left join organizations o on o.id = r.organization_id
            left join municipalities m on m.id = r.municipality_id join sources s on s.id = r.source_id
            where r.person_id = :id order by coalesce(r.as_of, s.date), r.position""", {"id": person_id}),
        "quotes": cards(conn, "quote", _ids(conn, "select id from quotes where speaker_id = :id order by id", person_id)),
        "events": rows(conn, """select e.id, e.title, e.date, ep.role from event_people ep join events e on
                                e.id = ep.event_id where ep.person_id = :id order by e.date""", {"id": person_id}),
        "cases": rows(conn, """select c.id, c.title, cp.role from case_people cp join cases c on c.id = cp.case_id
                               where cp.person_id = :id order by c.title""", {"id": person_id}),
        "notes": _notes(conn, "person", person_id),
    }
    return Page("person", person["name"], person, sections)


def _organization(conn: sqlite3.Connection, organization_id: str) -> Page | None:
    organization = _one(conn, """
        select o.*, a.label as actor_type, m.name as municipality from organizations o
        join actor_types a on a.id = o.actor_type_id left join municipalities m on m.id = o.municipality_id
        where o.id = :id""", organization_id)
    if organization is None:
        return None
    partner_of = rows(conn, "select case_id, role from case_partners where organization_id = :id order by case_id",
                      {"id": organization_id})
    case_cards = {c.id: c for c in cards(conn, "case", [r["case_id"] for r in partner_of])}
    sections = {
        "cases": [(case_cards[r["case_id"]], r["role"]) for r in partner_of if r["case_id"] in case_cards],
        "people": rows(conn, """select distinct p.id, p.name, r.role from person_roles r join people p on p.id = r.person_id
                                where r.organization_id = :id order by p.name""", {"id": organization_id}),
        "events": cards(conn, "event", _ids(conn, "select eo.event_id from event_organizers eo join events e on "
                                                  "e.id = eo.event_id where eo.organization_id = :id order by e.date",
                                            organization_id)),
        "series": cards(conn, "series", _ids(conn, "select series_id from series_organizers where organization_id = :id",
                                             organization_id)),
        "sources": _sources(conn, "organization", organization_id),
        "notes": _notes(conn, "organization", organization_id),
    }
    return Page("organization", organization["name"], organization, sections)


def _source(conn: sqlite3.Connection, source_id: str) -> Page | None:
    source = _one(conn, "select * from sources where id = :id", source_id)
    if source is None:
        return None
    source["kind_label"] = SOURCE_KINDS.get(source["kind"], source["kind"])

    def citing(kind: str, sql: str) -> list[Card]:
        return cards(conn, kind, _ids(conn, sql, source_id))

    sections = {
        "cases": citing("case", """select case_id from case_sources where source_id = :id union
                                   select case_id from case_factors where source_id = :id"""),
        "quotes": citing("quote", "select id from quotes where source_id = :id order by id"),
        "events": citing("event", "select event_id from event_sources where source_id = :id"),
        "people": citing("person", "select person_id from person_roles where source_id = :id"),
        "organizations": citing("organization", "select organization_id from organization_sources where source_id = :id"),
        "municipalities": citing("municipality", """select municipality_id from municipality_sources
                                                    where source_id = :id union
                                                    select id from municipalities where geodata_source_id = :id"""),
        "series": citing("series", "select series_id from series_sources where source_id = :id"),
    }
    return Page("source", source["title"], source, sections)


def _series(conn: sqlite3.Connection, series_id: str) -> Page | None:
    series = _one(conn, "select * from series where id = :id", series_id)
    if series is None:
        return None
    sections = {
        "events": cards(conn, "event", _ids(conn, "select id from events where series_id = :id order by date", series_id)),
        "organizers": cards(conn, "organization", _ids(conn, "select organization_id from series_organizers "
                                                              "where series_id = :id order by position", series_id)),
        "sources": _sources(conn, "series", series_id),
        "notes": _notes(conn, "series", series_id),
    }
    return Page("series", series["title"], series, sections)


def _field(conn: sqlite3.Connection, field_id: str) -> Page | None:
    field_ = _one(conn, "select * from fields where id = :id", field_id)
    if field_ is None:
        return None
    sections = {"cases": cards(conn, "case", _ids(conn, "select cf.case_id from case_fields cf join cases c on "
                                                        "c.id = cf.case_id where cf.field_id = :id order by c.title",
                                                  field_id))}
    return Page("field", field_["label"], field_, sections)


RECORD_PAGES: dict[str, Callable[[sqlite3.Connection, str], Page | None]] = {
    KINDS[kind].table: loader for kind, loader in {
        "case": _case, "factor": _factor, "quote": _quote, "event": _event, "municipality": _municipality,
        "person": _person, "organization": _organization, "source": _source, "series": _series, "field": _field,
    }.items()
}


def record_page(conn: sqlite3.Connection, table: str, record_id: str, base_url: str = "") -> Page | None:
    """The page model of one record, or None when it does not exist (or is not published)."""
    page = RECORD_PAGES[table](conn, record_id)
    if page is not None:
        page.citation = citation(conn, page, base_url)
    return page
