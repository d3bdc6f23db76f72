"""Privacy: internal records, and supporting records only internal records use, never reach the database."""
import sqlite3

import pytest

from kb import text
from kb.build import build_database
from kb.model import KINDS
from kb.validate import validate_dir


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def append(data, relative, content):
    path = data / relative
    path.write_text(path.read_text(encoding="utf-8") + content, encoding="utf-8")


INTERNAL_CASE = """id: intern-fall
title: Geheimes Vorhaben in Hinterdorf
municipality: hinterdorf
fields: [uebergang]
summary: Nur intern.
partners:
  - {organization: verein-intern, actor_type: verein}
factors:
  - {factor: vertrauen, evidence: intern belegt, verbatim: false, source: intern-quelle}
presented_at: [intern-treffen]
people:
  - {person: geheim, role: Leitung, source: intern-quelle}
sources: [intern-quelle]
visibility: internal
"""


@pytest.fixture
def private_data(fixture_data):
    """The fixture data plus one internal case and the records only it uses, an explicitly internal person
    (on a public event) and an explicitly internal source (in a public case's note)."""
    (fixture_data / "cases" / "intern-fall.yaml").write_text(INTERNAL_CASE, encoding="utf-8")
    append(fixture_data, "sources.yaml", """- id: intern-quelle
  url: https://example.org/intern
  title: Interne Quelle Geheimtitel
  kind: news
- id: geheimakte
  url: https://example.org/akte
  title: Akte
  kind: news
  visibility: internal
""")
    append(fixture_data, "municipalities.yaml", """- id: hinterdorf
  name: Hinterdorf
  kind: kreisfreie-stadt
  state: hessen
  sources: [intern-quelle]
""")
    append(fixture_data, "organizations.yaml", """- id: verein-intern
  name: Geheimverein
  actor_type: verein
  municipality: hinterdorf
  sources: [intern-quelle]
""")
    append(fixture_data, "people.yaml", """- id: geheim
  name: Gerda Geheim
  roles:
    - {role: Vorsitz, organization: verein-intern, source: intern-quelle}
- id: privat
  name: Paula Privat
  roles:
    - {role: Gast, source: news}
  visibility: internal
""")
    append(fixture_data, "events.yaml", """- id: intern-treffen
  title: Internes Treffen
  municipality: hinterdorf
  organizers: [verein-intern]
  people:
    - {person: geheim, role: Gast, source: intern-quelle}
  sources: [intern-quelle]
""")
    events = fixture_data / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace(
        "    - {person: christine-knueppel, role: Podiumsgast, source: news}\n",
        "    - {person: christine-knueppel, role: Podiumsgast, source: news}\n"
        "    - {person: privat, role: Gast, source: news}\n"), encoding="utf-8")
    case = fixture_data / "cases" / "kassel-beispiel.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "notes:\n  - {text: Quellen widersprechen sich., "
                    "sources: [geheimakte, news]}\n", encoding="utf-8")
    return fixture_data


def test_private_data_is_valid(private_data):
    assert validate_dir(private_data)[1] == []


def test_records_only_internal_records_use_are_not_published(private_data, tmp_path):
    db = tmp_path / "kb.db"
    build_database(private_data, db)
    assert rows(db, "select id from cases") == [("kassel-beispiel",)]
    assert rows(db, "select id from people order by id") == [("christine-knueppel",)]
    assert rows(db, "select id from sources order by id") == [("doc",), ("news",)]
    assert rows(db, "select id from municipalities") == [("kassel",)]
    assert rows(db, "select id from organizations") == [("schlachthof",)]
    assert rows(db, "select id from events") == [("kassel2",)]
    assert rows(db, "select * from event_people") == [("kassel2", 0, "christine-knueppel", "Podiumsgast", "news")]
    assert rows(db, "select * from event_organizers") == []
    assert rows(db, "select person_id from person_roles") == [("christine-knueppel",)]
    assert rows(db, "select * from case_notes") == [("kassel-beispiel", 0, "Quellen widersprechen sich.", '["news"]')]
    assert rows(db, "select kind, record_id from search_documents order by kind, record_id") == [
        ("case", "kassel-beispiel"), ("event", "kassel2"), ("factor", "empathie"), ("factor", "vertrauen"),
        ("field", "uebergang"), ("municipality", "kassel"), ("organization", "schlachthof"),
        ("person", "christine-knueppel"), ("quote", "alle"), ("quote", "bericht"), ("quote", "knueppel"),
        ("series", "reihe-2018"), ("source", "doc"), ("source", "news")]
    for word in ("Geheim", "Privat", "Geheimtitel", "Geheimverein", "Internes", "Hinterdorf"):
        for table in ("search_stems", "search_trigrams"):
            query = text.match_query(word) if table == "search_stems" else text.trigram_query(word)
            assert rows(db, f"select count(*) from {table} where {table} match ?", [query]) == [(0,)], (table, word)
    dump = "\n".join(sqlite3.connect(db).iterdump())
    for secret in ("Geheim", "Paula", "intern-quelle", "geheimakte", "Hinterdorf", "intern-treffen"):
        assert secret not in dump, secret


def test_every_kind_can_be_internal():
    assert all(kind.field("visibility").choices == ("public", "internal") for kind in KINDS.values())


def test_a_public_record_may_not_point_at_an_internal_one(private_data):
    quote = private_data / "quotes" / "news.yaml"
    quote.write_text(quote.read_text(encoding="utf-8").replace("speaker: christine-knueppel", "speaker: privat"),
                     encoding="utf-8")
    assert [p.format() for p in validate_dir(private_data)[1]] == [
        f"{quote}:3:12: speaker: 'privat' ist intern (visibility: internal) und wird nicht veröffentlicht, dieser "
        "Eintrag aber schon; ohne die Angabe wäre er unvollständig (erwartet: einen veröffentlichten Eintrag oder "
        "diesen Eintrag ebenfalls auf visibility: internal setzen)"]
