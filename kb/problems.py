"""Data problems: one per wrong value, each pointing at file, line and field.

A problem is an error (the data cannot be built) or a warning (worth a curator's look,
e.g. a likely duplicate); ``kb validate`` fails on errors, and on warnings only with ``--strict``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from kb.text import fold

ERROR = "error"
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
        return f"{self.file}:{self.line}:{self.column}: {label}{where}{self.message}{tail}"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


class DataError(Exception):
    """Raised when data cannot be built; carries every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} Problem(e) in den Daten")

    def report(self) -> str:
        return "\n".join(p.format() for p in self.problems)


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
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
