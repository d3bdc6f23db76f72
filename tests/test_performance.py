"""Correctness of the speed paths: synthetic data, parallel loading, the fingerprint manifest.

Speed itself is measured by the scripts in benchmarks/, never here.
"""
import importlib.util
import io
import os
import sqlite3
from pathlib import Path

from kb import fingerprint, load, parse_cache
from kb import progress as progress_module
from kb.progress import TerminalProgress
from kb.build import build_database
from kb.datasette.pages import similar_cases
from kb.serve import is_current
from kb.validate import validate_dir

ROOT = Path(__file__).resolve().parent.parent


def _synth():
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_cases_validate_and_are_labelled(tmp_path):
    files = _synth().make_data(tmp_path / "data", 40)
    result, problems = validate_dir(tmp_path / "data")
    assert problems == []
    synthetic = [r for r in result.records["case"] if r.id.startswith("synthetisch-")]
    assert len(synthetic) == len(files) == 40
    assert all(r.data["title"].startswith("SYNTHETISCH") for r in synthetic)
    assert all(f.read_text(encoding="utf-8").startswith("# SYNTHETISCH") for f in files)


def test_synthetic_data_never_goes_into_data():
    try:
        _synth().make_data(ROOT / "data" / "synthetic", 1)
    except ValueError:
        return
    raise AssertionError("make_data wrote into data/")


def test_parallel_loading_gives_the_same_records_and_problems(tmp_path, monkeypatch):
    _synth().make_data(tmp_path / "data", 30)
    (tmp_path / "data" / "cases" / "synthetisch-000003.yaml").write_text("id: synthetisch-000003\ntitle: [kaputt\n")
    sequential_result, sequential = validate_dir(tmp_path / "data")
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    monkeypatch.setattr(load, "_CHUNK", 7)
    assert load._workers(100) > 1 or os.cpu_count() == 1
    parallel_result, parallel = validate_dir(tmp_path / "data")
    assert [p.format() for p in parallel] == [p.format() for p in sequential] != []
    for kind, records in sequential_result.records.items():
        assert [(r.data, r.positions, r.file) for r in parallel_result.records[kind]] == [
            (r.data, r.positions, r.file) for r in records], kind
    assert parallel_result.files == sequential_result.files


def test_fingerprint_from_the_load_equals_the_one_from_the_files(fixture_data, tmp_path):
    db = tmp_path / "kb.db"
    build_database(fixture_data, db)
    stored = sqlite3.connect(db).execute("select data_fingerprint from build_info").fetchone()[0]
    assert stored == fingerprint.data_fingerprint(fixture_data) == fingerprint.data_fingerprint(fixture_data, db)


def test_manifest_reuses_digests_of_unchanged_files_and_reads_changed_ones(fixture_data, tmp_path, monkeypatch):
    db = tmp_path / "kb.db"
    build_database(fixture_data, db)
    assert is_current(fixture_data, db)
    read = []
    original = fingerprint.read
    monkeypatch.setattr(fingerprint, "read", lambda file, data_dir=None: read.append(file.name) or original(file, data_dir))
    assert is_current(fixture_data, db) and read == []  # metadata unchanged: nothing read
    events = fixture_data / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("Kassel", "Kasel", 1), encoding="utf-8")
    assert not is_current(fixture_data, db)
    assert read == ["events.yaml"]


# ---------------------------------------------------------------------------- facets from bit sets

LINKS = {"faktor": ("case_factors", "factor_id"), "feld": ("case_fields", "field_id"),
         "partnertyp": ("case_partners", "actor_type_id"), "veranstaltung": ("case_events", "event_id")}
COLUMNS = {"land": "state_id", "kommunentyp": "municipality_kind_id", "beginn": "start_year",
           "vorgestellt": "presented_year"}


def _group_bys(conn, case_ids: list[str]) -> dict[str, dict[str, int]]:
    """Every facet's counts as plain SQL group-bys on the link tables and columns."""
    conn.execute("create temp table selected(id text primary key)")
    conn.executemany("insert into selected values (?)", [(i,) for i in case_ids])
    out = {name: {str(v): n for v, n in conn.execute(
        f"select {column}, count(distinct case_id) from {table} where case_id in (select id from selected) "
        f"group by {column}")} for name, (table, column) in LINKS.items()}
    out.update({name: {str(v): n for v, n in conn.execute(
        f"select {column}, count(*) from cases where id in (select id from selected) and {column} is not null "
        f"group by {column}")} for name, column in COLUMNS.items()})
    conn.execute("drop table selected")
    return out


async def test_facet_counts_equal_group_bys_for_searches_filters_and_column_filters(site_db):
    from tests.conftest import make_datasette

    ds = make_datasette(site_db)
    conn = sqlite3.connect(site_db)
    for query in ("_search=Kooperation", "_search=Sprachkurs&_faktor=vertrauen", "_feld=elternarbeit",
                  "_search=Netzwerk&_land=bayern", "_search=Kooperation&status=laufend", ""):
        response = await ds.client.get(f"/kb/cases.json?{query}&_size=max&_facet_size=max&_shape=objects")
        assert response.status_code == 200, query
        data = response.json()
        ids = [r["id"] for r in data["rows"]]
        assert ids or not query, query
        facets = {name: {v["value"]: v["count"] for v in f["results"]} for name, f in data["facet_results"].items()}
        assert not any(f["timed_out"] for f in data["facet_results"].values())
        assert facets == _group_bys(conn, ids), query


# ---------------------------------------------------------------------------- progress bar


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_bar_only_on_a_terminal_and_only_after_a_second(fixture_data, tmp_path, monkeypatch):
    quiet = TerminalProgress(_Stream(tty=False))
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    build_database(fixture_data, tmp_path / "a.db", quiet)
    assert quiet.stream.getvalue() == ""
    monkeypatch.setattr(progress_module, "DELAY", 3600.0)
    fast = TerminalProgress(_Stream(tty=True))
    build_database(fixture_data, tmp_path / "b.db", fast)
    assert fast.stream.getvalue() == ""  # a build shorter than the delay shows nothing
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    shown = TerminalProgress(_Stream(tty=True))
    build_database(fixture_data, tmp_path / "c.db", shown)
    shown.close()
    assert "Dateien lesen und prüfen" in shown.stream.getvalue() or "Suchindex" in shown.stream.getvalue()


def test_search_results_are_remembered_per_database_file_and_renewed_by_a_rebuild(fixture_data, tmp_path):
    from kb import search

    db = tmp_path / "kb.db"
    build_database(fixture_data, db)
    conn = sqlite3.connect(db)
    first = search.search(conn, "Kooperationsarbeit")
    assert search.search(conn, "Kooperationsarbeit") is first  # remembered
    assert first.totals.get("case") == 1
    conn.close()
    case = next((fixture_data / "cases").glob("*.yaml"))
    case.write_text(case.read_text(encoding="utf-8").replace("Kooperationsarbeit", "Zusammenwirken"), encoding="utf-8")
    build_database(fixture_data, db)
    conn = sqlite3.connect(db)
    renewed = search.search(conn, "Kooperationsarbeit")
    assert renewed is not first and "case" not in renewed.totals


def _parsed_files(monkeypatch) -> list[str]:
    """Records the name of every file the loader parses from now on."""
    parsed: list[str] = []
    original = load.load_file

    def counting(file, kind, data_dir=None, data=None):
        parsed.append(file.name)
        return original(file, kind, data_dir, data)

    monkeypatch.setattr(load, "load_file", counting)
    return parsed


def test_rebuild_parses_only_changed_files_and_equals_a_full_build(tmp_path, monkeypatch):
    data = tmp_path / "data"
    _synth().make_data(data, 30)
    incremental, full = tmp_path / "incremental" / "kb.db", tmp_path / "full" / "kb.db"
    build_database(data, incremental)
    changed = data / "cases" / "synthetisch-000007.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("title: \"SYNTHETISCH", "title: \"SYNTHETISCH geändert", 1),
                       encoding="utf-8")
    (data / "cases" / "synthetisch-000011.yaml").unlink()
    parsed = _parsed_files(monkeypatch)
    build_database(data, incremental)
    assert parsed == ["synthetisch-000007.yaml"]
    title = sqlite3.connect(incremental).execute("select title from cases where id = 'synthetisch-000007'").fetchone()[0]
    assert title.startswith("SYNTHETISCH geändert")
    parsed.clear()
    build_database(data, full)
    assert len(parsed) > 30  # a new database has no cache: every file is parsed
    assert incremental.read_bytes() == full.read_bytes()


def test_parse_cache_keeps_per_file_checks_and_survives_damage(tmp_path, monkeypatch):
    data = tmp_path / "data"
    _synth().make_data(data, 5)
    db = tmp_path / "kb.db"
    build_database(data, db)
    # the same content under another file name: the id no longer matches the file name
    (data / "cases" / "synthetisch-000002.yaml").rename(data / "cases" / "umbenannt.yaml")
    problems = [p.format() for p in validate_dir(data, db_path=db)[1]]
    assert any("/cases/umbenannt.yaml:2:" in p and "Dateinamen" in p for p in problems), problems
    (data / "cases" / "umbenannt.yaml").rename(data / "cases" / "synthetisch-000002.yaml")
    parse_cache.cache_path(db).write_bytes(b"kein SQLite")
    parsed = _parsed_files(monkeypatch)
    build_database(data, db)
    assert len(parsed) > 5  # a damaged cache is ignored, and replaced
    parsed.clear()
    build_database(data, db)
    assert parsed == []


SIMILAR_BY_SQL = """
with shared as (
  select case_id, count(distinct factor_id) as factors, 0 as fields from case_factors
  where factor_id in (select factor_id from case_factors where case_id = :id) and case_id != :id group by case_id
  union all
  select case_id, 0, count(*) from case_fields
  where field_id in (select field_id from case_fields where case_id = :id) and case_id != :id group by case_id)
select case_id, sum(factors), sum(fields) from shared group by case_id
order by sum(factors) * 2 + sum(fields) desc, sum(factors) desc, case_id limit 5
"""


def test_similar_cases_from_bit_sets_equal_the_ranking_in_sql(site_db):
    conn = sqlite3.connect(f"file:{site_db}?immutable=1", uri=True)
    case_ids = [case_id for (case_id,) in conn.execute("select id from cases")]
    for case_id in case_ids:
        expected = [tuple(row) for row in conn.execute(SIMILAR_BY_SQL, {"id": case_id})]
        found = [(card.id, factors, fields) for card, factors, fields in similar_cases(conn, case_id)]
        assert found == expected, case_id
    assert len(case_ids) > 50
