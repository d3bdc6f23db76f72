"""``kb release``: tag a data release, build its database and data package, write checksums.

Recipe (docs/releases.md): write the changes under „## VERSION (JJJJ-MM-TT)“ in CHANGELOG.md, set ``version``
and ``date-released`` in CITATION.cff, commit, then ``kb release VERSION``. The command checks all of that
before it tags, so a release is always documented, citable and built from a clean commit.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.build import build_database
from kb.package import export
from kb.problems import DataError, errors
from kb.provenance import CITATION_FILE, RELEASE_TAG_PREFIX, VERSION_PATTERN, git, last_release
from kb.validate import validate_dir

CHANGELOG_FILE = "CHANGELOG.md"
CHECKSUMS_FILE = "SHA256SUMS"


class ReleaseError(Exception):
    """A release that cannot be made, with a German message saying what to do."""


@dataclass(frozen=True)
class Release:
    version: str
    tag: str
    out_dir: Path
    zip_path: Path
    checksums: Path


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def check(root: Path, version: str) -> None:
    """Everything that must hold before ``version`` is tagged; raises ReleaseError."""
    if not re.fullmatch(VERSION_PATTERN, version):
        raise ReleaseError(f"Version '{version}' hat nicht die Form JJJJ.MM.N (erwartet z. B. 2026.12.0)")
    if git(root, "rev-parse", "--show-toplevel") is None:
        raise ReleaseError(f"{root} ist kein Git-Repository (ein Release ist ein Git-Tag)")
    if git(root, "rev-parse", "-q", "--verify", f"refs/tags/{RELEASE_TAG_PREFIX}{version}") is not None:
        raise ReleaseError(f"Release {version} gibt es schon (Tag {RELEASE_TAG_PREFIX}{version}); "
                           "nächste Nummer wählen")
    previous = last_release(root)
    if previous and _version_key(version) <= _version_key(previous):
        raise ReleaseError(f"Version {version} ist nicht neuer als das letzte Release {previous}")
    if git(root, "status", "--porcelain"):
        raise ReleaseError("Es gibt nicht eingecheckte Änderungen; erst committen (git status zeigt sie)")
    changelog = root / CHANGELOG_FILE
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    if not re.search(rf"^## {re.escape(version)}\b", text, re.M):
        raise ReleaseError(f"{CHANGELOG_FILE}: Abschnitt „## {version} (JJJJ-MM-TT)“ fehlt; die Änderungen seit "
                           "dem letzten Release dort eintragen und committen")
    citation_path = root / CITATION_FILE
    citation = yaml.safe_load(citation_path.read_text(encoding="utf-8")) if citation_path.exists() else {}
    if str(citation.get("version")) != version or not citation.get("date-released"):
        raise ReleaseError(f"{CITATION_FILE}: version: \"{version}\" und date-released: JJJJ-MM-TT eintragen "
                           f"und committen (jetzt: version {citation.get('version')!r})")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release(root: Path, data_dir: Path, version: str, out_root: Path) -> Release:
    """Check, validate the data, tag ``v<version>``, build and export into ``out_root/<version>``, write SHA256SUMS.

    The tag is removed again when the build fails, so a failed release leaves nothing behind.
    """
    check(root, version)
    _, problems = validate_dir(data_dir)
    if errors(problems):
        raise DataError(errors(problems))
    tag = f"{RELEASE_TAG_PREFIX}{version}"
    if git(root, "tag", "-a", tag, "-m", f"Datenrelease {version}") is None:
        raise ReleaseError(f"git tag {tag} ist fehlgeschlagen")
    try:
        out_dir = out_root / version
        db_path = out_dir / "kb.db"
        build_database(data_dir, db_path)
        report = export(db_path, out_dir)
    except BaseException:
        git(root, "tag", "-d", tag)
        raise
    checksums = out_dir / CHECKSUMS_FILE
    listed = [report.zip_path, out_dir / "kb.db", out_dir / "datapackage.json"]
    checksums.write_text("".join(f"{_sha256(p)}  {p.name}\n" for p in listed), encoding="utf-8")
    return Release(version, tag, out_dir, report.zip_path, checksums)
