"""A parse cache beside the database: the records of every clean data file, keyed by path and content.

A rebuild after a small change spends most of its time parsing and checking files that did not
change. ``kb build`` therefore keeps, next to ``kb.db``, a SQLite file holding for each clean file
(no problem, no warning) the records it gave, with its path, kind and the SHA-256 of its bytes. The
next build takes a file from the cache when its metadata still matches the database's manifest
(``kb.fingerprint``), so an unchanged file is neither read nor parsed; every other file is read,
hashed and parsed as before.

Records are stored pickled, so they come back exactly as parsed (int keys, floats, order). The
cache is only an accelerator: it is tagged with the kb version, any doubt (another version, a
damaged file) means a cold build, and the database built is the same either way (tested).
"""
from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path
from typing import Any

import kb
from kb.fingerprint import Manifest

# (kind name, [(data, index in file), …]) of one clean file
Parsed = tuple[str, list[tuple[dict[str, Any], int]]]


def cache_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".parsed.sqlite")


class ParseCache:
    """The records of clean files by path, digest and kind; read per build, written after a successful one."""

    def __init__(self, db_path: Path):
        self.path = cache_path(db_path)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path)
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("CREATE TABLE IF NOT EXISTS parsed (path TEXT PRIMARY KEY, digest TEXT, kind TEXT, records BLOB)")
        version = conn.execute("SELECT value FROM meta WHERE key = 'kb_version'").fetchone()
        if version is None or version[0] != kb.__version__:  # another kb may parse differently
            conn.execute("DELETE FROM parsed")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('kb_version', ?)", (kb.__version__,))
            conn.commit()
        return conn

    def get(self, wanted: dict[str, tuple[str, str]]) -> dict[str, list[tuple[dict[str, Any], int]]]:
        """The cached records of the wanted files (``relative path → (digest, kind)``) that are in the cache
        with the same content and kind (the path matters too: a case id must match its file name)."""
        if not wanted or not self.path.exists():
            return {}
        try:
            conn = self._connect()
            try:
                return {path: pickle.loads(blob)
                        for path, digest, kind, blob in conn.execute("SELECT path, digest, kind, records FROM parsed")
                        if wanted.get(path) == (digest, kind)}
            finally:
                conn.close()
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, OSError):
            return {}  # a damaged cache: parse everything

    def store(self, manifest: Manifest, clean: dict[str, Parsed]) -> None:
        """Keep exactly the clean files of this build (``relative path → (kind, records)``). The database is
        already in place: a cache that cannot be written (full disk …) only makes the next build slower."""
        keep = {(relative, manifest[relative][4], kind): records for relative, (kind, records) in clean.items()}
        try:
            try:
                conn = self._connect()
            except sqlite3.DatabaseError:  # not a SQLite file: start a new one
                self.path.unlink(missing_ok=True)
                conn = self._connect()
            try:
                with conn:  # one transaction: a failed write leaves the previous, still correct entries
                    stored = set(conn.execute("SELECT path, digest, kind FROM parsed"))
                    conn.executemany("DELETE FROM parsed WHERE path = ?", [(key[0],) for key in stored - keep.keys()])
                    conn.executemany("INSERT INTO parsed VALUES (?, ?, ?, ?)",
                                     [(*key, pickle.dumps(keep[key], pickle.HIGHEST_PROTOCOL))
                                      for key in keep.keys() - stored])
            finally:
                conn.close()
        except (sqlite3.Error, OSError):
            pass
