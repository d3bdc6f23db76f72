"""Build tests against a temporary database: exact rows, links, integrity, atomicity."""
import json
import sqlite3

import pytest
import sqlite_utils

from kb.build import build_database
from kb.problems import DataError


def rows(db_path, sql):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_case_row_with_denormalised_facet_columns(fixture_db):
    # the last two columns, created and updated, come from this repository's git history (test_gitdates.py)
    assert [row[:-2] for row in rows(fixture_db, "select * from cases")] == [(
        "kassel-beispiel", "Kooperationsarbeit für Geflüchtete in Kassel", "kassel",
        "Ein Beispiel für Kooperationsarbeit, die auf Vertrauen und Förderung baut.",
        "Jugendliche in Ausbildung bringen.", None, None, None,
        "2017", "Jahr", None, None,  # a partial date and its precision (Jahr, Monat, Tag)
        None, None, None,  # status, status_as_of and its precision
        None,  # bmbf_programme not stated: unknown, not true
        "public", '["Übergang Schule–Beruf"]', '["Verein", "Kammer"]', '["Vertrauen", "Empathie"]',
        '["Fachveranstaltung Kassel II"]', "hessen", "kreisfreie-stadt", 2017, 2018,
    )]


def test_link_and_child_rows(fixture_db):
    assert rows(fixture_db, "select * from case_partners") == [
        ("kassel-beispiel", 0, "schlachthof", None, "verein", "Gastgeber"),
        ("kassel-beispiel", 1, None, "Kammern", "kammer", None),
    ]
    assert rows(fixture_db, "select * from case_factors") == [
        ("kassel-beispiel", 0, "vertrauen", "„großes Vertrauen“", 1, "news"),
        ("kassel-beispiel", 1, "empathie", "Empathie", 0, "doc"),
    ]
    assert rows(fixture_db, "select * from case_fields") == [("kassel-beispiel", "uebergang", 0)]
    assert rows(fixture_db, "select * from case_events") == [("kassel-beispiel", "kassel2", 0)]
    assert rows(fixture_db, "select * from case_sources") == [("kassel-beispiel", "news", 0),
                                                               ("kassel-beispiel", "doc", 1)]
    assert rows(fixture_db, "select * from person_roles") == [
        ("christine-knueppel", 0, "Geschäftsführerin Kulturzentrum Schlachthof e.V., Kassel", "schlachthof", None,
         "news", "2018-06-12", "Tag")]
    assert rows(fixture_db, "select * from event_people") == [("kassel2", 0, "christine-knueppel", "Podiumsgast", "news")]
    assert rows(fixture_db, "select * from quote_factors order by quote_id, position") == [
        ("alle", "vertrauen", 0), ("alle", "empathie", 1), ("bericht", "vertrauen", 0), ("knueppel", "vertrauen", 0)]


def test_internal_records_and_links_to_them_are_not_published(fixture_db):
    assert rows(fixture_db, "select id from quotes order by id") == [("alle",), ("bericht",), ("knueppel",)]
    assert rows(fixture_db, "select * from quote_cases") == [("knueppel", "kassel-beispiel", 0)]
    assert rows(fixture_db, "select * from quote_variants") == []
    assert rows(fixture_db, "select count(*) from search_documents where record_id = 'intern'") == [(0,)]


def test_foreign_keys_are_declared_and_hold(fixture_db):
    db = sqlite_utils.Database(fixture_db)
    assert {(fk.column, fk.other_table) for fk in db["case_factors"].foreign_keys} == {
        ("case_id", "cases"), ("factor_id", "factors"), ("source_id", "sources")}
    assert {(fk.column, fk.other_table) for fk in db["cases"].foreign_keys} == {
        ("municipality_id", "municipalities"), ("state_id", "states"), ("municipality_kind_id", "municipality_kinds")}
    assert rows(fixture_db, "PRAGMA foreign_key_check") == []
    assert ["factor_id", "case_id"] in [i.columns for i in db["case_factors"].indexes]  # covering, for facets


def test_one_search_index_and_no_second_full_text_index(fixture_db):
    names = {name for (name,) in rows(fixture_db, "select name from sqlite_master where sql like '%fts5%'")}
    assert names == {"search_stems", "search_trigrams"}
    sql = rows(fixture_db, "select sql from sqlite_master where name = 'search_stems'")[0][0]
    assert "tokenize='unicode61 remove_diacritics 2'" in sql
    assert rows(fixture_db, "select kind, count(*) from search_documents group by kind order by kind") == [
        ("case", 1), ("event", 1), ("factor", 2), ("field", 1), ("municipality", 1), ("organization", 1),
        ("person", 1), ("quote", 3), ("series", 1), ("source", 2)]
    assert ("forder", "Förderung", 1) in rows(fixture_db, "select stem, word, documents from search_words")


def test_search_index_stems_folds_and_matches_compound_tails(fixture_db):
    def search(q):
        conn = sqlite3.connect(fixture_db)
        from kb.datasette.plugin import prepare_connection
        prepare_connection(conn)
        from kb.site import SEARCH_SQL
        try:
            return [r[:2] for r in conn.execute(SEARCH_SQL, {"q": q}).fetchall()]
        finally:
            conn.close()

    def titles(q):
        return [title for _, title in search(q)]

    assert titles("Kooperation")[:2] == ["Kooperation braucht Erfolge", "Kooperationsarbeit für Geflüchtete in Kassel"]
    assert titles("Gefluechtete") == ["Kooperationsarbeit für Geflüchtete in Kassel"]
    assert titles("Neuzugewanderte") == ["Kooperationsarbeit für Geflüchtete in Kassel"]  # synonym
    assert titles("arbeit") == ["Kooperationsarbeit für Geflüchtete in Kassel", "Christine Knüppel"]  # trigram
    assert titles("Empathie") == ["Empathie", "alle Teilnehmenden", "Kooperationsarbeit für Geflüchtete in Kassel"]
    assert titles("") == []
    assert search("Ausbildung") == [("Praxisbeispiel", "Kooperationsarbeit für Geflüchtete in Kassel")]  # goals
    # reported speech is never labelled as a quotation
    assert search("abgesichert") == [("Aussage laut Bericht", "eine Teilnehmerin")]


def test_build_info_records_provenance(fixture_db):
    info = dict(zip(("schema_version", "kb_version", "counts"),
                    rows(fixture_db, "select schema_version, kb_version, counts from build_info")[0]))
    assert info["schema_version"] == 2
    assert json.loads(info["counts"])["quotes"] == 3
    assert len(rows(fixture_db, "select data_fingerprint from build_info")[0][0]) == 64


def test_same_data_gives_the_same_rows(fixture_data, tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    build_database(fixture_data, first)
    build_database(fixture_data, second)
    db_a, db_b = sqlite_utils.Database(first), sqlite_utils.Database(second)
    tables = [t for t in db_a.table_names() if t not in ("build_info", "sqlite_stat1")]
    assert tables == [t for t in db_b.table_names() if t not in ("build_info", "sqlite_stat1")]
    for table in tables:
        assert list(db_a.query(f"select * from [{table}]")) == list(db_b.query(f"select * from [{table}]")), table


def test_failed_build_leaves_previous_database_byte_identical(fixture_data, tmp_path):
    db_path = tmp_path / "kb.db"
    build_database(fixture_data, db_path)
    before = db_path.read_bytes()
    (fixture_data / "events.yaml").write_text("- id: kassel2\n  title: [kaputt\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        build_database(fixture_data, db_path)
    assert "events.yaml:3:1: YAML-Syntaxfehler" in error.value.report()
    assert db_path.read_bytes() == before
    assert rows(db_path, "select count(*) from cases") == [(1,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "kb.db", "kb.db.manifest.json", "kb.db.parsed.sqlite"]  # no temporary file


def test_crash_during_write_leaves_previous_database(fixture_data, tmp_path, monkeypatch):
    db_path = tmp_path / "kb.db"
    build_database(fixture_data, db_path)
    before = db_path.read_bytes()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kb.build.write_search_index", explode)
    with pytest.raises(RuntimeError):
        build_database(fixture_data, db_path)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "kb.db", "kb.db.manifest.json", "kb.db.parsed.sqlite"]


def test_analyst_views_flatten_the_links(fixture_db):
    assert rows(fixture_db, "select id, municipality, state, municipality_kind, start_year, presented_year, fields, "
                            "factors, partner_count, bmbf_programme from case_overview") == [
        ("kassel-beispiel", "Kassel", "Hessen", "Kreisfreie Stadt", 2017, 2018, "Übergang Schule–Beruf",
         "Empathie; Vertrauen", 2, None)]  # codebook order: position, then id (the fixture sets no position)
    assert rows(fixture_db, "select case_id, factor, factor_group, evidence, verbatim, state from factor_codings") == [
        ("kassel-beispiel", "Vertrauen", "Beziehung & Haltung", "„großes Vertrauen“", 1, "Hessen"),
        ("kassel-beispiel", "Empathie", "Beziehung & Haltung", "Empathie", 0, "Hessen")]
    assert rows(fixture_db, "select id, speech, speaker, attributed, event, factors from quote_overview") == [
        ("alle", "direct", "alle Teilnehmenden", 0, None, "Vertrauen; Empathie"),
        ("bericht", "indirect", "eine Teilnehmerin", 0, None, "Vertrauen"),
        ("knueppel", "direct", "Christine Knüppel", 1, "Fachveranstaltung Kassel II", "Vertrauen")]


def test_factor_anchor_case_is_a_foreign_key_to_cases(fixture_db):
    db = sqlite_utils.Database(fixture_db)
    assert ("anchor_case_id", "cases") in {(fk.column, fk.other_table) for fk in db["factors"].foreign_keys}
    assert rows(fixture_db, "select id, anchor_case_id from factors order by id") == [
        ("empathie", None), ("vertrauen", "kassel-beispiel")]


def test_anchor_case_that_is_internal_is_not_published(fixture_data, tmp_path):
    case = fixture_data / "cases" / "kassel-beispiel.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "visibility: internal\n", encoding="utf-8")
    build_database(fixture_data, tmp_path / "kb.db")
    assert rows(tmp_path / "kb.db", "select id, anchor_case_id from factors order by id") == [
        ("empathie", None), ("vertrauen", None)]
