"""Serve the built database with Datasette, rebuilding first when the data changed."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from kb.build import BuildReport, build_database, data_commit, data_fingerprint

SETTINGS: dict[str, bool | int] = {
    "suggest_facets": False,          # ~0.9 s per request at 100k rows (stack-notes.md)
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "default_facet_size": 20,
    "allow_download": True,
}


def built_state(db_path: Path) -> tuple[str, str | None] | None:
    """(data fingerprint, data commit) recorded in ``build_info``, or None for a missing or unreadable database."""
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("select data_fingerprint, data_commit from build_info where id = 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return (row[0], row[1]) if row else None


def is_current(data_dir: Path, db_path: Path) -> bool:
    """Whether the database was built from this data at this commit (a commit changes the git dates)."""
    return built_state(db_path) == (data_fingerprint(data_dir), data_commit(data_dir))


def inspect_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".inspect.json")


def write_inspect_file(db_path: Path) -> Path:
    """Datasette's precomputed table counts for the immutable file (``datasette inspect``)."""
    target = inspect_path(db_path)
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(db_path), "--inspect-file", str(target)],
                   check=True, capture_output=True)
    return target


def ensure_built(data_dir: Path, db_path: Path) -> BuildReport | None:
    """Rebuild (and re-inspect) when the data differs from what the database was built from;
    None when it is current."""
    report = None
    if not is_current(data_dir, db_path):
        report = build_database(data_dir, db_path)
    inspected = inspect_path(db_path)
    if report or not inspected.exists() or inspected.stat().st_mtime < db_path.stat().st_mtime:
        write_inspect_file(db_path)
    return report


def datasette_command(db_path: Path, metadata: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    command = [sys.executable, "-m", "datasette", "serve", "-i", str(db_path), "-m", str(metadata),
               "-h", host, "-p", str(port), "--inspect-file", str(inspect_path(db_path))]
    for name, value in SETTINGS.items():
        command += ["--setting", name, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    return command


def run_datasette(db_path: Path, metadata: Path, port: int) -> None:
    """Replace this process with Datasette, so signals (Ctrl+C, SIGTERM) reach the server itself."""
    command = datasette_command(db_path, metadata, port)
    sys.stdout.flush()
    os.execv(command[0], command)
