"""Correctness of the speed paths: synthetic data, parallel loading, the fingerprint manifest.

Speed itself is measured by the scripts in benchmarks/, never here.
"""
import importlib.util
import os
import sqlite3
from pathlib import Path

from kb import fingerprint, load
from kb.build import build_database
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
    monkeypatch.setattr(fingerprint, "read", lambda file: read.append(file.name) or original(file))
    assert is_current(fixture_data, db) and read == []  # metadata unchanged: nothing read
    events = fixture_data / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("Kassel", "Kasel", 1), encoding="utf-8")
    assert not is_current(fixture_data, db)
    assert read == ["events.yaml"]
