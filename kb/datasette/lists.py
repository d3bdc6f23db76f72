"""List pages for coordinators (every kind except cases, which have filters and facets of their own).

Each list is grouped the way a coordinator scans it (factors by group, Kommunen by Land, events by
year …) and made of the same cards as every other page.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from itertools import groupby

from kb.datasette.cards import SOURCE_KINDS, Card, cards

MAX_ITEMS = 2000


@dataclass
class ListPage:
    title: str
    intro: str
    groups: list[tuple[str, list[Card]]] = field(default_factory=list)
    total: int = 0


def _grouped(conn: sqlite3.Connection, kind: str, sql: str) -> list[tuple[str, list[Card]]]:
    """``sql`` yields (group heading, id) in display order."""
    found = conn.execute(f"{sql} limit {MAX_ITEMS}").fetchall()
    by_id = {c.id: c for c in cards(conn, kind, [i for _, i in found])}
    return [(heading, [by_id[i] for _, i in members if i in by_id])
            for heading, members in groupby(found, key=lambda row: row[0])]


LISTS: dict[str, tuple[str, str, str, str]] = {
    # table: (kind, title, intro, sql yielding (group heading, id) in display order)
    "factors": ("factor", "Erfolgsfaktoren",
                "Das Codebuch: was zum Gelingen kommunaler Kooperation beiträgt, gruppiert, jeweils mit Definition "
                "und den Praxisbeispielen, in denen es belegt ist.",
                "select g.label, f.id from factors f join factor_groups g on g.id = f.group_id "
                "order by g.position, g.id, f.position, f.id"),
    "quotes": ("quote", "Zitate und Aussagen",
               "Was Beteiligte gesagt haben, wörtlich und mit Quelle; Aussagen, die ein Bericht nur wiedergibt, "
               "sind als „laut Bericht“ gekennzeichnet.",
               "select coalesce(e.title || coalesce(' (' || substr(e.date, 1, 4) || ')', ''), 'Ohne Veranstaltung'), "
               "q.id from quotes q left join events e on e.id = q.event_id "
               "order by e.id is null, e.date desc, e.title, q.id"),
    "events": ("event", "Veranstaltungen",
               "Fachveranstaltungen, auf denen Praxisbeispiele vorgestellt wurden, nach Jahr.",
               "select coalesce(substr(date, 1, 4), 'Ohne Datum'), id from events order by date desc, title"),
    "municipalities": ("municipality", "Kommunen",
                       "Städte, Kreise und Gemeinden mit ihren Praxisbeispielen, nach Bundesland.",
                       "select s.label, m.id from municipalities m join states s on s.id = m.state_id "
                       "order by s.label, m.name"),
    "organizations": ("organization", "Organisationen",
                      "Ämter, Träger, Vereine, Stiftungen und weitere Partner, nach Akteurstyp.",
                      "select a.label, o.id from organizations o join actor_types a on a.id = o.actor_type_id "
                      "order by a.label, o.name"),
    "people": ("person", "Personen",
               "Personen, die in den Quellen mit ihrer Funktion genannt werden.",
               "select 'Personen', id from people order by name"),
    "sources": ("source", "Quellen",
                "Die öffentlichen Quellen, aus denen jede Angabe stammt, nach Art.",
                "select kind, id from sources order by kind, date desc, title"),
    "series": ("series", "Veranstaltungsreihen", "Reihen von Fachveranstaltungen.",
               "select 'Reihen', id from series order by title"),
    "fields": ("field", "Handlungsfelder",
               "Die Handlungsfelder kommunaler Bildungskoordination, in denen die Praxisbeispiele liegen.",
               "select 'Handlungsfelder', id from fields order by label"),
}


HEADINGS = {"sources": SOURCE_KINDS}  # table → group heading as stored → as shown


def list_page(conn: sqlite3.Connection, table: str) -> ListPage:
    kind, title, intro, sql = LISTS[table]
    headings = HEADINGS.get(table, {})
    groups = [(headings.get(heading, heading), members) for heading, members in _grouped(conn, kind, sql)]
    return ListPage(title, intro, groups, sum(len(m) for _, m in groups))
