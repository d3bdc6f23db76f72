"""Citable releases: provenance in build_info, byte-identical builds, ``kb release`` in a scratch repository."""
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kb.build import build_database
from kb.datasette.pages import data_date
from kb.release import ReleaseError, release

ROOT = Path(__file__).resolve().parent.parent
COMMIT_DATE = "2026-03-05T10:00:00+00:00"
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_AUTHOR_DATE": COMMIT_DATE,
           "GIT_COMMITTER_DATE": COMMIT_DATE}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


def build_info(db: Path) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return dict(conn.execute("select * from build_info").fetchone())


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A scratch repository with the fixture data, a changelog and a citation file, one commit."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "tests" / "fixtures" / "data", root / "data")
    (root / "CHANGELOG.md").write_text("# Änderungen\n\n## Unveröffentlicht\n", encoding="utf-8")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    citation["repository-code"] = "https://example.org/kooperationswissen/kb"
    (root / "CITATION.cff").write_text(yaml.safe_dump(citation, allow_unicode=True), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Daten")
    return root


def prepare(root: Path, version: str, date: str = "2026-03-06") -> None:
    """What the release recipe asks for: changelog section and citation fields, committed."""
    with open(root / "CHANGELOG.md", "a", encoding="utf-8") as handle:
        handle.write(f"\n## {version} ({date})\n\n- Erste Fassung.\n")
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    citation.update(version=version, **{"date-released": date})
    (root / "CITATION.cff").write_text(yaml.safe_dump(citation, allow_unicode=True), encoding="utf-8")
    git(root, "commit", "-qam", f"Release {version}")


def test_two_builds_of_the_same_commit_are_byte_identical(tmp_path):
    """Two processes with different hash seeds build the bundled data to the same bytes."""
    paths = [tmp_path / "a.db", tmp_path / "b.db"]
    for seed, path in zip(("1", "2"), paths):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run([sys.executable, "-c", "import sys; from kb.build import build_database; "
                        "build_database(sys.argv[1], sys.argv[2])", "data", str(path)],
                       cwd=ROOT, env=env, check=True, capture_output=True)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert "built_at" not in build_info(paths[0])


def test_build_info_names_data_version_date_commits_and_repository(repo, tmp_path):
    build_database(repo / "data", tmp_path / "kb.db")
    info = build_info(tmp_path / "kb.db")
    head = git(repo, "rev-parse", "HEAD")
    assert info["data_date"] == "2026-03-05"  # the date of the last data commit, not of the build
    assert info["data_commit"] == head and info["head_commit"] == head
    assert info["data_version"] == f"dev+{head[:7]}"
    assert info["repository"] == "https://example.org/kooperationswissen/kb"  # CITATION.cff without a remote
    git(repo, "remote", "add", "origin", str(tmp_path))  # a clone of a local folder has no public address
    build_database(repo / "data", tmp_path / "kb.db")
    assert build_info(tmp_path / "kb.db")["repository"] == "https://example.org/kooperationswissen/kb"
    git(repo, "remote", "set-url", "origin", "git@example.org:team/kb.git")  # the remote wins, as https
    build_database(repo / "data", tmp_path / "kb.db")
    assert build_info(tmp_path / "kb.db")["repository"] == "https://example.org/team/kb"
    assert data_date(sqlite3.connect(tmp_path / "kb.db")) == "2026-03-05"  # „Stand“ in every citation


def test_uncommitted_data_is_marked_dirty(repo, tmp_path):
    with open(repo / "data" / "sources.yaml", "a", encoding="utf-8") as handle:
        handle.write("- id: neu\n  url: https://example.org/neu\n  title: Neu\n  kind: news\n")
    build_database(repo / "data", tmp_path / "kb.db")
    assert build_info(tmp_path / "kb.db")["data_version"] == "dev+dirty"


def test_release_checks_before_it_tags(repo, tmp_path):
    with pytest.raises(ReleaseError, match="JJJJ.MM.N"):
        release(repo, repo / "data", "2026.3.0", tmp_path / "out")
    with pytest.raises(ReleaseError, match=r"CHANGELOG.md: Abschnitt „## 2026.03.0"):
        release(repo, repo / "data", "2026.03.0", tmp_path / "out")
    with open(repo / "CHANGELOG.md", "a", encoding="utf-8") as handle:
        handle.write("\n## 2026.03.0 (2026-03-06)\n")
    with pytest.raises(ReleaseError, match="nicht eingecheckte Änderungen"):
        release(repo, repo / "data", "2026.03.0", tmp_path / "out")
    git(repo, "commit", "-qam", "Changelog")
    with pytest.raises(ReleaseError, match="CITATION.cff: version"):
        release(repo, repo / "data", "2026.03.0", tmp_path / "out")
    assert git(repo, "tag") == ""


def test_release_tags_builds_the_package_and_writes_checksums(repo, tmp_path):
    prepare(repo, "2026.03.0")
    made = release(repo, repo / "data", "2026.03.0", tmp_path / "out")
    assert git(repo, "tag") == "v2026.03.0"
    assert made.zip_path == tmp_path / "out" / "2026.03.0" / "kooperationswissen-2026.03.0.zip"
    assert build_info(made.out_dir / "kb.db")["data_version"] == "2026.03.0"
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=made.out_dir, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.count(": OK") == 3
    with pytest.raises(ReleaseError, match="gibt es schon"):
        release(repo, repo / "data", "2026.03.0", tmp_path / "out")
    with pytest.raises(ReleaseError, match="nicht neuer"):
        release(repo, repo / "data", "2026.02.5", tmp_path / "out")
    # a later data change is named after the release it follows
    with open(repo / "data" / "sources.yaml", "a", encoding="utf-8") as handle:
        handle.write("- id: neu\n  url: https://example.org/neu\n  title: Neu\n  kind: news\n")
    git(repo, "commit", "-qam", "Neue Quelle")
    build_database(repo / "data", tmp_path / "later.db")
    assert build_info(tmp_path / "later.db")["data_version"] == f"2026.03.0+{git(repo, 'rev-parse', 'HEAD')[:7]}"


def test_a_code_change_after_a_release_keeps_the_data_version(repo, tmp_path):
    prepare(repo, "2026.03.0")
    release(repo, repo / "data", "2026.03.0", tmp_path / "out")
    (repo / "README.md").write_text("Neu\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-qm", "Nur Code")
    build_database(repo / "data", tmp_path / "kb.db")
    info = build_info(tmp_path / "kb.db")
    assert info["data_version"] == "2026.03.0" and info["head_commit"] == git(repo, "rev-parse", "HEAD")
