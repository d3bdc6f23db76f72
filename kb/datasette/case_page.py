"""Everything the case page shows: one case with its partners, factors, quotes and sources."""
from __future__ import annotations

import sqlite3
from typing import Any


def _rows(conn: sqlite3.Connection, sql: str, case_id: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, {"id": case_id})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


QUERIES = {
    "case": """
        select c.*, m.name as municipality, s.label as state, k.label as municipality_kind
        from cases c join municipalities m on m.id = c.municipality_id
        left join states s on s.id = c.state_id left join municipality_kinds k on k.id = c.municipality_kind_id
        where c.id = :id""",
    "fields": """
        select f.id, f.label from case_fields cf join fields f on f.id = cf.field_id
        where cf.case_id = :id order by cf.position""",
    "partners": """
        select coalesce(o.name, p.label) as name, o.id as organization_id, a.label as actor_type, p.role
        from case_partners p join actor_types a on a.id = p.actor_type_id
        left join organizations o on o.id = p.organization_id
        where p.case_id = :id order by p.position""",
    "factors": """
        select f.id, f.label, g.label as group_label, cf.evidence, s.id as source_id, s.title as source_title, s.url
        from case_factors cf join factors f on f.id = cf.factor_id join factor_groups g on g.id = f.group_id
        join sources s on s.id = cf.source_id
        where cf.case_id = :id order by cf.position""",
    "events": """
        select e.id, e.title, e.date from case_events ce join events e on e.id = ce.event_id
        where ce.case_id = :id order by ce.position""",
    "people": """
        select p.id, p.name, cp.role from case_people cp join people p on p.id = cp.person_id
        where cp.case_id = :id order by cp.position""",
    "quotes": """
        select q.id, q.speech, q.text, coalesce(p.name, q.unattributed) as speaker, q.role_as_stated, s.title as source_title,
               s.url
        from quote_cases qc join quotes q on q.id = qc.quote_id join sources s on s.id = q.source_id
        left join people p on p.id = q.speaker_id
        where qc.case_id = :id order by q.id""",
    "sources": """
        select s.id, s.title, s.publisher, s.date, s.url from case_sources cs join sources s on s.id = cs.source_id
        where cs.case_id = :id order by cs.position""",
    "notes": "select text from case_notes where case_id = :id order by position",
}


def case_detail(conn: sqlite3.Connection, case_id: str) -> dict[str, Any] | None:
    found = {name: _rows(conn, sql, case_id) for name, sql in QUERIES.items()}
    if not found["case"]:
        return None
    detail: dict[str, Any] = {**found, "case": found["case"][0]}
    built_at = conn.execute("select built_at from build_info").fetchone()
    built = built_at[0][:10] if built_at else ""
    detail["citation"] = (f"„{detail['case']['title']}“. In: Kooperationswissen, Praxisbeispiel "
                          f"{case_id} (Stand {built}). Quellen: "
                          + "; ".join(s["url"] for s in found["sources"]))
    return detail
