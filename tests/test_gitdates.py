"""Dates from git: a temporary repository with known commit dates, and a checkout without git."""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from kb.build import build_database
from kb.gitdates import Dates, record_dates
from kb.load import load_data

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data"


def git(repo: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path) -> Path:
    """History: everything on 2020-01-15; one quote edited and one added on 2021-03-10; the case
    edited on 2022-07-01 (23:30 in UTC+2, so 21:30 UTC, same day); an event edited but not committed."""
    repo = tmp_path / "repo"
    data = repo / "data"
    shutil.copytree(FIXTURE, data)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start", date="2020-01-15T12:00:00+00:00")
    replace(data / "quotes" / "news.yaml", "Kooperationsarbeit […] ist Beziehungsarbeit.",
            "Kooperationsarbeit […] ist vor allem Beziehungsarbeit.")
    (data / "quotes" / "doc.yaml").write_text((data / "quotes" / "doc.yaml").read_text(encoding="utf-8")
                                             + "- {id: neu, text: Ein neuer Satz, unattributed: Teilnehmende, "
                                               "source: doc}\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "quotes", date="2021-03-10T08:00:00+00:00")
    replace(data / "cases" / "kassel-beispiel.yaml", "title: Kooperationsarbeit", "title: Gute Kooperationsarbeit")
    git(repo, "commit", "-q", "-am", "case", date="2022-07-01T23:30:00+02:00")
    replace(data / "events.yaml", "title: Fachveranstaltung Kassel II", "title: Fachveranstaltung Kassel 2")
    return data


def test_dates_per_record(repo):
    dates = record_dates(repo, load_data(repo).records)
    assert dates[("case", "kassel-beispiel")] == Dates("2020-01-15", "2022-07-01")
    assert dates[("quote", "knueppel")] == Dates("2020-01-15", "2021-03-10")
    assert dates[("quote", "bericht")] == Dates("2020-01-15", "2020-01-15")  # same file, lines untouched
    assert dates[("quote", "neu")] == Dates("2021-03-10", "2021-03-10")
    assert dates[("event", "kassel2")] == Dates("2020-01-15", "2020-01-15")  # the edit is not committed


def test_a_record_moved_to_another_file_keeps_its_created_date(repo):
    news, doc = repo / "quotes" / "news.yaml", repo / "quotes" / "doc.yaml"
    lines = news.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("- id: knueppel"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    doc.write_text(doc.read_text(encoding="utf-8") + "".join(lines[start:end]), encoding="utf-8")
    news.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    git(repo.parent, "commit", "-q", "-am", "move", date="2023-05-05T10:00:00+00:00")
    assert record_dates(repo, load_data(repo).records)[("quote", "knueppel")] == Dates("2020-01-15", "2023-05-05")


def test_build_writes_the_dates(repo, tmp_path):
    build_database(repo, tmp_path / "kb.db")
    conn = sqlite3.connect(tmp_path / "kb.db")
    assert conn.execute("select created, updated from cases").fetchall() == [("2020-01-15", "2022-07-01")]
    assert conn.execute("select id, created, updated from quotes order by id").fetchall() == [
        ("alle", "2020-01-15", "2020-01-15"), ("bericht", "2020-01-15", "2020-01-15"),
        ("knueppel", "2020-01-15", "2021-03-10"), ("neu", "2021-03-10", "2021-03-10")]
    assert conn.execute("select created, updated from events").fetchall() == [("2020-01-15", "2020-01-15")]


def test_without_git_history_the_build_has_empty_dates(fixture_data, tmp_path):
    assert record_dates(fixture_data, load_data(fixture_data).records) == {}
    build_database(fixture_data, tmp_path / "kb.db")
    conn = sqlite3.connect(tmp_path / "kb.db")
    assert conn.execute("select created, updated from cases").fetchall() == [(None, None)]
    assert conn.execute("select count(*) from quotes where created is not null or updated is not null").fetchone() == (0,)
