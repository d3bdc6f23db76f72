"""Data problems: one per wrong value, each pointing at file, line and field.

A problem is an error (the data cannot be built) or a warning (worth a curator's look,
e.g. a likely duplicate); ``kb validate`` fails on errors, and on warnings only with ``--strict``.
"""
from __future__ import annotations

import difflib
import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

from kb.text import fold

ERROR = "error"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    field: str
    message: str
    expected: str = ""
    suggestion: str = ""
    severity: str = ERROR  # ERROR or WARNING

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        hints = []
        if self.expected:
            hints.append(f"erwartet: {self.expected}")
        if self.suggestion:
            hints.append(f"meinten Sie '{self.suggestion}'?")
        tail = f" ({'; '.join(hints)})" if hints else ""
        where = f"{self.field}: " if self.field else ""
        label = "" if self.is_error else "Warnung: "
        line = f"{self.file}:{self.line}:{self.column}: {label}{where}{self.message}{tail}"
        return _CONTROL.sub(lambda m: repr(m.group())[1:-1], line)  # one problem, one line


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


class DataError(Exception):
    """Raised when data cannot be built; carries every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} Problem(e) in den Daten")

    def report(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class BuildError(Exception):
    """The database could not be written (folder, disk, permissions); the message is German."""


def shown(value: object, limit: int = 60) -> str:
    """A value as a message quotes it: at most ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} Zeichen)"


def closest(value: object, candidates: object) -> str:
    """The candidate most similar to ``value``, or '' when none is close."""
    if not isinstance(value, str):
        return ""
    folded = {fold(c): c for c in candidates if isinstance(c, str)}
    if fold(value) in folded:
        return folded[fold(value)]
    match = difflib.get_close_matches(fold(value), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else ""


def display_path(path: Path) -> str:
    """``path`` relative to the working directory where possible, as users typed it."""
    try:  # not resolve(): a symlink is shown where it lies, not where it points
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def os_error_text(exc: OSError) -> str:
    """A German one-liner for an OS error, with a hint where one helps."""
    texts = {
        errno.EACCES: "keine Berechtigung (Dateirechte prüfen)",
        errno.EPERM: "Vorgang nicht erlaubt (Dateirechte prüfen)",
        errno.ENOENT: "nicht gefunden (Pfad prüfen)",
        errno.ENOTDIR: "ein Teil des Pfads ist kein Ordner",
        errno.EISDIR: "ist ein Ordner, keine Datei",
        errno.ENOSPC: "kein Speicherplatz mehr auf dem Datenträger (Platz schaffen)",
        errno.EDQUOT: "Speicherkontingent erschöpft (Platz schaffen)",
        errno.EROFS: "Dateisystem ist schreibgeschützt (anderen Zielordner wählen)",
        errno.ELOOP: "zu viele Verknüpfungen (Symlink-Schleife?)",
        errno.ENAMETOOLONG: "Pfad zu lang",
        errno.EMFILE: "zu viele offene Dateien",
        errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
        errno.EEXIST: "existiert bereits (als Datei, wo ein Ordner nötig ist?)",
        errno.EBUSY: "wird gerade benutzt",
        errno.ETXTBSY: "wird gerade benutzt",
        errno.EXDEV: "liegt auf einem anderen Datenträger",
    }
    text = texts.get(exc.errno, f"Systemfehler {exc.errno}: {exc.strerror or exc}")
    return f"{text}: {exc.filename}" if exc.filename else text


def sqlite_error_text(exc: Exception) -> str:
    """A German one-liner for SQLite's errors about the file itself."""
    texts = {
        "unable to open database file": "Datei lässt sich nicht anlegen (Ordner vorhanden und beschreibbar?)",
        "database or disk is full": "Datenträger voll (Platz schaffen)",
        "disk I/O error": "Ein-/Ausgabefehler des Datenträgers",
        "attempt to write a readonly database": "Datei ist schreibgeschützt",
    }
    return texts.get(str(exc), f"SQLite meldet: {exc}")
