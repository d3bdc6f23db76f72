"""Cards: the short form of a record wherever a page lists records (search results, lists, related records).

One loader per kind turns a list of ids into cards with the essentials a coordinator needs to decide
whether to open the record (a case: Kommune, Land, year and factors; a quote: speaker, role at the time
and event or source …). Every page uses these loaders, so a case looks the same everywhere.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from kb.datasette.formats import german_date, plural
from kb.model import KINDS
from kb.search_index import SEARCH_KINDS

DATABASE = "kb"


def record_url(kind: str, record_id: str) -> str:
    return f"/{DATABASE}/{KINDS[kind].table}/{record_id}"


@dataclass
class Link:
    label: str
    url: str | None = None


@dataclass
class Card:
    kind: str
    id: str
    title: str
    meta: list[str] = field(default_factory=list)      # short facts under the title, joined by " · "
    tags: list[Link] = field(default_factory=list)     # e.g. a case's factors
    text: str | None = None                            # a definition, a quote's text
    excerpt: str | None = None                         # search excerpt (HTML-escaped, <mark>)
    speaker: Link | None = None                        # quotes: who said it
    attribution: list[Link] = field(default_factory=list)  # quotes: role, event or source
    indirect: bool = False                             # quotes: reported speech, shown „laut Bericht“
    external: str | None = None                        # sources: the public address

    @property
    def url(self) -> str:
        return record_url(self.kind, self.id)

    @property
    def kind_label(self) -> str:
        return SEARCH_KINDS.get(self.kind, (KINDS[self.kind].title,))[0]


def rows(conn: sqlite3.Connection, sql: str, params: dict[str, Any] | Iterable[Any] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _ids(ids: Iterable[str]) -> dict[str, str]:
    return {"ids": json.dumps(list(ids))}


def _case_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select c.id, c.title, m.name as municipality, s.label as state, c.start_year, c.presented_year,
          (select json_group_array(json_array(id, label)) from (select f.id, f.label from case_factors cf
             join factors f on f.id = cf.factor_id where cf.case_id = c.id group by f.id order by f.position)) as factors
        from cases c join municipalities m on m.id = c.municipality_id left join states s on s.id = c.state_id
        where c.id in (select value from json_each(:ids))""", _ids(ids))
    cards = {}
    for r in found:
        place = r["municipality"] + (f" ({r['state']})" if r["state"] else "")
        years = [y for y in (f"seit {r['start_year']}" if r["start_year"] else None,
                             f"vorgestellt {r['presented_year']}" if r["presented_year"] else None) if y]
        cards[r["id"]] = Card("case", r["id"], r["title"], [place, *years],
                              [Link(label, record_url("factor", fid)) for fid, label in json.loads(r["factors"])])
    return cards


def _quote_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select q.id, q.text, q.speech, q.speaker_id, coalesce(p.name, q.unattributed) as speaker, q.role_as_stated,
          e.id as event_id, e.title as event, e.date as event_date, s.id as source_id, s.title as source
        from quotes q left join people p on p.id = q.speaker_id left join events e on e.id = q.event_id
        join sources s on s.id = q.source_id
        where q.id in (select value from json_each(:ids))""", _ids(ids))
    cards = {}
    for r in found:
        attribution = [Link(r["role_as_stated"])] if r["role_as_stated"] else []
        if r["event_id"]:
            when = german_date(r["event_date"])
            attribution.append(Link(r["event"] + (f", {when}" if when else ""), record_url("event", r["event_id"])))
        attribution.append(Link(f"Quelle: {r['source']}", record_url("source", r["source_id"])))
        speaker = Link(r["speaker"], record_url("person", r["speaker_id"]) if r["speaker_id"] else None)
        cards[r["id"]] = Card("quote", r["id"], r["speaker"], text=r["text"], speaker=speaker,
                              attribution=attribution, indirect=r["speech"] == "indirect")
    return cards


def _factor_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select f.id, f.label, f.definition, g.label as group_label,
          (select count(distinct case_id) from case_factors cf where cf.factor_id = f.id) as cases
        from factors f join factor_groups g on g.id = f.group_id
        where f.id in (select value from json_each(:ids))""", _ids(ids))
    return {r["id"]: Card("factor", r["id"], r["label"], [r["group_label"], plural(r["cases"], "Praxisbeispiel",
                                                                                    "Praxisbeispiele")],
                          text=r["definition"]) for r in found}


def _event_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select e.id, e.title, e.date, e.date_end, coalesce(m.name, e.place) as place,
          (select count(*) from case_events ce where ce.event_id = e.id) as cases
        from events e left join municipalities m on m.id = e.municipality_id
        where e.id in (select value from json_each(:ids))""", _ids(ids))
    return {r["id"]: Card("event", r["id"], r["title"], [m for m in (
        german_date(r["date"], r["date_end"]), r["place"],
        plural(r["cases"], "Praxisbeispiel", "Praxisbeispiele") if r["cases"] else None) if m]) for r in found}


def _municipality_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select m.id, m.name, k.label as kind, s.label as state,
          (select count(*) from cases c where c.municipality_id = m.id) as cases
        from municipalities m join municipality_kinds k on k.id = m.kind_id join states s on s.id = m.state_id
        where m.id in (select value from json_each(:ids))""", _ids(ids))
    return {r["id"]: Card("municipality", r["id"], r["name"], [r["kind"], r["state"], plural(
        r["cases"], "Praxisbeispiel", "Praxisbeispiele")]) for r in found}


def _organization_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select o.id, o.name, a.label as actor_type, m.name as municipality
        from organizations o join actor_types a on a.id = o.actor_type_id
        left join municipalities m on m.id = o.municipality_id
        where o.id in (select value from json_each(:ids))""", _ids(ids))
    return {r["id"]: Card("organization", r["id"], r["name"], [m for m in (r["actor_type"], r["municipality"]) if m])
            for r in found}


def _person_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select p.id, p.name, r.role, o.name as organization
        from people p left join person_roles r on r.person_id = p.id
          and r.position = (select min(position) from person_roles where person_id = p.id)
        left join organizations o on o.id = r.organization_id
        where p.id in (select value from json_each(:ids))""", _ids(ids))
    return {r["id"]: Card("person", r["id"], r["name"], [", ".join(x for x in (r["role"], r["organization"]) if x)])
            for r in found}


SOURCE_KINDS = {"news": "Meldung", "event-documentation": "Veranstaltungsdokumentation", "announcement":
                "Ankündigung", "publication": "Publikation", "interview": "Interview", "press-release":
                "Pressemitteilung", "web-page": "Webseite", "dataset": "Datensatz"}


def _source_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, "select id, title, publisher, date, kind, url from sources "
                       "where id in (select value from json_each(:ids))", _ids(ids))
    return {r["id"]: Card("source", r["id"], r["title"], [m for m in (
        SOURCE_KINDS.get(r["kind"], r["kind"]), r["publisher"], german_date(r["date"])) if m], external=r["url"])
        for r in found}


def _field_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select f.id, f.label, f.description, (select count(*) from case_fields cf where cf.field_id = f.id) as cases
        from fields f where f.id in (select value from json_each(:ids))""", _ids(ids))
    return {r["id"]: Card("field", r["id"], r["label"], [plural(r["cases"], "Praxisbeispiel", "Praxisbeispiele")],
                          text=r["description"]) for r in found}


def _series_cards(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Card]:
    found = rows(conn, """
        select s.id, s.title, (select count(*) from events e where e.series_id = s.id) as events
        from series s where s.id in (select value from json_each(:ids))""", _ids(ids))
    return {r["id"]: Card("series", r["id"], r["title"], [plural(r["events"], "Veranstaltung", "Veranstaltungen")])
            for r in found}


LOADERS: dict[str, Callable[[sqlite3.Connection, list[str]], dict[str, Card]]] = {
    "case": _case_cards, "quote": _quote_cards, "factor": _factor_cards, "event": _event_cards,
    "municipality": _municipality_cards, "organization": _organization_cards, "person": _person_cards,
    "source": _source_cards, "field": _field_cards, "series": _series_cards,
}


def cards(conn: sqlite3.Connection, kind: str, ids: Iterable[str]) -> list[Card]:
    """Cards for ``ids`` in their order (ids that do not exist are skipped)."""
    ids = list(dict.fromkeys(ids))
    found = LOADERS[kind](conn, ids) if ids else {}
    return [found[i] for i in ids if i in found]
