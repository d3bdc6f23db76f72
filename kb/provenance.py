"""Where a database comes from: data version, data date, commits and repository, for ``build_info``.

The same commit gives the same values, so the same data builds to the same bytes (no wall-clock time):
- ``data_date`` („Stand“) is the date of the last commit that changed the data folder; with uncommitted data
  changes or without git it is today (UTC). ``SOURCE_DATE_EPOCH`` overrides it.
- ``data_version`` is the release (git tag ``vJJJJ.MM.N``, written by ``kb release``) when the data is
  unchanged since that tag; otherwise the last release plus ``+`` and the data commit (``+dirty`` for
  uncommitted changes), e.g. ``2026.12.0+1a2b3c4``; ``dev+…`` before the first release.
- ``repository`` is the public address of the repository: the git remote ``origin`` when it is a web address
  (a clone of a local folder is not), else ``repository-code`` in CITATION.cff.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import yaml

RELEASE_TAG_PREFIX = "v"
VERSION_PATTERN = r"^\d{4}\.(?:0[1-9]|1[0-2])\.\d+$"
CITATION_FILE = "CITATION.cff"


def git(cwd: Path, *args: str) -> str | None:
    """Output of a git command, or None (no git, not a repository, command failed)."""
    try:
        out = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def data_commit(data_dir: Path) -> str | None:
    """The last commit that changed the data folder."""
    return git(data_dir, "log", "-1", "--format=%H", "--", ".") or None


def data_dirty(data_dir: Path) -> bool:
    """Whether the data folder has uncommitted changes (or is not in git at all)."""
    status = git(data_dir, "status", "--porcelain", "--untracked-files=all", "--", ".")
    return status is None or bool(status)


def data_date(data_dir: Path, dirty: bool | None = None) -> str:
    """„Stand“: JJJJ-MM-TT of the last data commit; today for uncommitted data; SOURCE_DATE_EPOCH wins."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
    dirty = data_dirty(data_dir) if dirty is None else dirty
    stamp = None if dirty else git(data_dir, "log", "-1", "--format=%ct", "--", ".")
    moment = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc) if stamp else dt.datetime.now(dt.timezone.utc)
    return moment.date().isoformat()


def last_release(cwd: Path) -> str | None:
    """The newest release tag reachable from HEAD, without its prefix."""
    tag = git(cwd, "describe", "--tags", "--abbrev=0", "--match", f"{RELEASE_TAG_PREFIX}[0-9]*")
    return tag[len(RELEASE_TAG_PREFIX):] if tag else None


def data_version(data_dir: Path, dirty: bool | None = None) -> str:
    release = last_release(data_dir)
    if data_dirty(data_dir) if dirty is None else dirty:
        return f"{release or 'dev'}+dirty"
    if release and git(data_dir, "diff", "--quiet", f"{RELEASE_TAG_PREFIX}{release}", "--", ".") is not None:
        return release
    commit = data_commit(data_dir)
    return f"{release or 'dev'}+{commit[:7] if commit else 'dirty'}"


def _public_url(remote: str) -> str:
    """An https address without credentials (git@host:owner/repo.git → https://host/owner/repo)."""
    ssh = re.fullmatch(r"[\w.-]+@([\w.-]+):(.+?)(?:\.git)?", remote)
    if ssh:
        return f"https://{ssh.group(1)}/{ssh.group(2)}"
    return re.sub(r"(?<=://)[^/@]+@", "", remote).removesuffix(".git")


def repository_url(root: Path) -> str | None:
    """The public address: the remote ``origin`` if it is on the web (not a local clone), else CITATION.cff."""
    remote = _public_url(git(root, "remote", "get-url", "origin") or "")
    if remote.startswith(("https://", "http://")):
        return remote
    citation = root / CITATION_FILE
    if citation.exists():
        return yaml.safe_load(citation.read_text(encoding="utf-8")).get("repository-code")
    return None


def provenance(data_dir: Path) -> dict[str, str | None]:
    """The provenance columns of ``build_info``."""
    root = Path(git(data_dir, "rev-parse", "--show-toplevel") or data_dir.parent)
    dirty = data_dirty(data_dir)
    return {
        "data_version": data_version(data_dir, dirty),
        "data_date": data_date(data_dir, dirty),
        "data_commit": data_commit(data_dir),
        "head_commit": git(data_dir, "rev-parse", "HEAD") or None,
        "repository": repository_url(root),
    }
