"""When each record was first committed (``created``) and last changed (``updated``), from git.

- created: the commit date of the first commit whose diff adds the record's ``id:`` line, from one
  ``git log -p --unified=0`` over the data folder (a record moved to another file keeps its date).
- updated: for a record in a file of its own (a case), the date of the last commit that changed the
  file, from one ``git log --name-only``; for a record in a list file (quotes, events), the newest
  commit date among its lines (from its first line to the next record's), from ``git blame`` of
  each list file, run in parallel (blame is the expensive part: one git process per file).

Lines not yet committed do not count, so a build is the same for the same commit. Without git, or
outside a repository (e.g. an unpacked archive), every date is empty and the build goes on.
Dates are commit dates (``%cI``), as ISO dates JJJJ-MM-TT in UTC.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kb.load import Record
from kb.model import KINDS

DATED_KINDS = ("case", "quote", "event")
_ID_LINE = re.compile(r"^\+\s*(?:-\s*)?\{?\s*id:\s*['\"]?([a-z0-9]+(?:[-_][a-z0-9]+)*)")
_UNCOMMITTED = "0" * 40
_TIMEOUT = 60


@dataclass(frozen=True)
class Dates:
    created: str | None = None
    updated: str | None = None


def _git(cwd: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, timeout=_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def _day(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date().isoformat()


def _kind_of(relative: str) -> str | None:
    return next((k.name for k in KINDS.values() if fnmatch.fnmatch(relative, k.path)), None)


def created_dates(data_dir: Path, prefix: str) -> dict[tuple[str, str], str]:
    """(kind, id) → date of the commit that first added the id line."""
    log = _git(data_dir, "log", "--reverse", "--format=%x00%ct", "-p", "--unified=0", "--no-color",
               "--no-ext-diff", "--", ".")
    created: dict[tuple[str, str], str] = {}
    if not log:
        return created
    day, kind = None, None
    for line in log.splitlines():
        if line.startswith("\0"):
            day = _day(int(line[1:]))
        elif line.startswith("+++ "):
            path = line[4:].removeprefix("b/")
            kind = _kind_of(path.removeprefix(prefix)) if path.startswith(prefix) else None
        elif kind and day and line.startswith("+"):
            match = _ID_LINE.match(line)
            if match:
                created.setdefault((kind, match.group(1)), day)
    return created


def file_dates(data_dir: Path, prefix: str) -> dict[str, str]:
    """Path inside the data folder → date of the last commit that changed the file."""
    log = _git(data_dir, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", ".")
    dates: dict[str, str] = {}
    day = None
    for line in (log or "").splitlines():
        if line.startswith("\0"):
            day = _day(int(line[1:]))
        elif line and day and line.startswith(prefix):
            dates.setdefault(line.removeprefix(prefix), day)  # newest commit first
    return dates


def _blame(file: Path) -> list[int | None]:
    """Commit time of each line of ``file`` (None for lines not committed)."""
    out = _git(file.parent, "blame", "--line-porcelain", "--", file.name)
    if out is None:
        return []
    times: list[int | None] = []
    commit = None
    for line in out.splitlines():
        if line.startswith("\t"):
            continue
        head = line.split(" ", 1)
        if len(head[0]) == 40 and all(c in "0123456789abcdef" for c in head[0]):
            commit = head[0]
        elif head[0] == "committer-time":
            times.append(None if commit == _UNCOMMITTED else int(head[1]))
    return times


def record_dates(data_dir: Path, records: dict[str, list[Record]], kinds=DATED_KINDS) -> dict[tuple[str, str], Dates]:
    """(kind, id) → Dates for every record of ``kinds``; empty without a git repository."""
    prefix = _git(data_dir, "rev-parse", "--show-prefix")
    if prefix is None:
        return {}
    prefix = prefix.strip()
    created = created_dates(data_dir, prefix)
    changed = file_dates(data_dir, prefix)
    dates: dict[tuple[str, str], Dates] = {}
    by_file: dict[Path, list[Record]] = {}
    for kind in kinds:
        for record in records.get(kind, []):
            key = (kind, record.id)
            if KINDS[kind].layout == "one":
                relative = record.file.resolve().relative_to(data_dir.resolve()).as_posix()
                dates[key] = Dates(created.get(key), changed.get(relative))
            else:
                by_file.setdefault(record.file, []).append(record)
    with ThreadPoolExecutor(max_workers=4) as pool:
        blamed = dict(zip(by_file, pool.map(_blame, by_file)))
    for file, file_records in by_file.items():
        times = blamed[file]
        starts = sorted(r.where()[0] for r in file_records)
        for record in file_records:
            first = record.where()[0]
            following = [s for s in starts if s > first]
            last = (following[0] - 1) if following else len(times)
            committed = [t for t in times[first - 1:last] if t is not None]
            key = (record.kind.name, record.id)
            dates[key] = Dates(created.get(key), _day(max(committed)) if committed else None)
    return dates
