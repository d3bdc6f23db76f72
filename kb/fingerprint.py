"""The data fingerprint: one SHA-256 over the paths and contents of every data file.

A build hashes the bytes it parses (no second read of 100k files) and writes a manifest next to the
database: per file its size, modification and change times, inode and digest. ``kb serve`` then
tells whether the database is current from file metadata alone, reading only files whose metadata
changed (the way git's index does); any doubt (no manifest, other files) means reading them.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from kb.problems import Problem
from kb.safe_yaml import read_bytes

# path relative to the data folder (POSIX) → [size, mtime_ns, ctime_ns, inode, SHA-256 of the bytes]
Manifest = dict[str, list]


def read(file: Path, data_dir: Path | None = None) -> tuple[bytes | None, list[Problem], list]:
    """The bytes of a file (read as safely as validation does: a FIFO or a link to /dev/zero must not
    hang), the problems if it cannot be read, and its manifest entry. Metadata is taken before reading,
    so a file changed while it is read looks changed next time."""
    key = _stat_key(file)
    data, problems = read_bytes(file, data_dir)
    content = data if data is not None else repr([p.format() for p in problems]).encode()
    return data, problems, [*key, hashlib.sha256(content).hexdigest()]


def combine(manifest: Manifest) -> str:
    """The fingerprint of a data folder from the digests of its files."""
    total = hashlib.sha256()
    for relative in sorted(manifest):
        total.update(f"{relative}\0{manifest[relative][4]}\0".encode())
    return total.hexdigest()


def data_files(data_dir: Path) -> dict[str, str]:
    """Every ``*.yaml`` under ``data_dir``: relative POSIX path → path. ``os.walk`` on strings, because
    ``Path.rglob`` takes ~2 s for 100k files and this runs on every ``kb serve`` start."""
    found = {}
    for root, _, files in os.walk(data_dir):
        relative_root = os.path.relpath(root, data_dir).replace(os.sep, "/")
        for name in files:
            if name.endswith(".yaml"):
                found[name if relative_root == "." else f"{relative_root}/{name}"] = os.path.join(root, name)
    return found


def _stat_key(path: Path | str) -> list[int]:
    try:
        st = os.stat(path)
    except OSError:  # a dangling link: reading reports it
        return [0, 0, 0, 0]
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def manifest_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".manifest.json")


def write_manifest(db_path: Path, data_dir: Path, manifest: Manifest) -> None:
    """Record the metadata and digest of every file the database was built from (atomically)."""
    target = manifest_path(db_path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"data_dir": str(data_dir.resolve()), "files": manifest}), encoding="utf-8")
    os.replace(tmp, target)


def recorded(db_path: Path | None, data_dir: Path) -> Manifest:
    """The manifest the database at ``db_path`` was built from, if it was built from ``data_dir``."""
    if db_path is None:
        return {}
    try:
        manifest = json.loads(manifest_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest.get("files", {}) if manifest.get("data_dir") == str(data_dir.resolve()) else {}


def unchanged(known: Manifest, relative: str, file: Path | str) -> list | None:
    """The recorded entry of a file if its metadata still matches it (the digest can then be trusted)."""
    entry = known.get(relative)
    return entry if entry is not None and entry[:4] == _stat_key(file) else None


def data_fingerprint(data_dir: Path, db_path: Path | None = None) -> str:
    """Fingerprint of every ``*.yaml`` under ``data_dir``. With ``db_path``, files whose metadata matches
    the database's manifest keep their recorded digest; all others are read."""
    known = recorded(db_path, data_dir)
    current: Manifest = {}
    for relative, file in data_files(data_dir).items():
        current[relative] = unchanged(known, relative, file) or read(Path(file), data_dir)[2]
    return combine(current)
