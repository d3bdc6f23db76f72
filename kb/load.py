"""Read data/**/*.yaml into records that remember the file, line and column of every value.

YAML is composed into nodes (libyaml's C parser when present) and converted here,
so that duplicate keys become errors instead of silently losing data, and dates
stay strings that validation checks (PyYAML raises a bare ValueError on 2018-02-30).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from kb import fingerprint
from kb.model import KINDS, Kind
from kb.progress import Progress
from kb.problems import ERROR, Problem, closest, display_path

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathKey = tuple[str | int, ...]


@dataclass
class Record:
    kind: Kind
    data: dict[str, Any]
    file: Path
    # None: dropped after a clean check to save memory (~14 KB per case); reloaded from the file when needed
    positions: dict[PathKey, tuple[int, int]] | None = field(default_factory=dict)
    index: int = 0  # position in its file (list layout)

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value if isinstance(value, str) else None

    @property
    def public(self) -> bool:
        return self.data.get("visibility", "public") == "public"

    def __reduce__(self):
        """Pickled with the kind's name only (records cross process boundaries when loading in parallel)."""
        return _record, (self.kind.name, self.data, self.file, self.positions, self.index)

    def where(self, path: PathKey = ()) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its closest parent."""
        if self.positions is None:
            reloaded = load_file(self.file, self.kind)[0]
            self.positions = reloaded[self.index].positions if self.index < len(reloaded) else {}
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path: PathKey, message: str, expected: str = "", suggestion: str = "",
                severity: str = ERROR) -> Problem:
        line, column = self.where(path)
        return Problem(display_path(self.file), line, column, format_path(path), message, expected, suggestion,
                       severity)


def _record(kind: str, data: dict[str, Any], file: Path, positions: dict[PathKey, tuple[int, int]] | None,
            index: int) -> Record:
    return Record(KINDS[kind], data, file, positions, index)


@dataclass
class LoadResult:
    records: dict[str, list[Record]]
    problems: list[Problem]
    unreadable_kinds: set[str] = field(default_factory=set)  # a file of theirs could not be parsed
    files: fingerprint.Manifest = field(default_factory=dict)  # every file read, with its digest
    checked: bool = False  # the per-record checks ran while loading (their problems are in ``problems``)

    @property
    def fingerprint(self) -> str:
        return fingerprint.combine(self.files)


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_SCALAR_TAGS = {
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:bool": lambda v: v.lower() in ("true", "yes", "on"),
    "tag:yaml.org,2002:int": lambda v: int(v.replace("_", ""), 10 if v.lstrip("+-").isdigit() else 0),
    "tag:yaml.org,2002:float": lambda v: float(v.replace("_", "")),
    "tag:yaml.org,2002:timestamp": str,  # kept as text: validation checks the calendar
    "tag:yaml.org,2002:str": str,
}


class _Converter:
    """Turns a composed node tree into Python values, recording positions and problems."""

    def __init__(self, file: Path):
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node, field: str, message: str, expected: str = "") -> None:
        mark = node.start_mark
        self.problems.append(Problem(display_path(self.file), mark.line + 1, mark.column + 1, field, message, expected))

    def convert(self, node: yaml.Node, path: PathKey, positions: dict[PathKey, tuple[int, int]]) -> Any:
        positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.convert(key_node, path, {})
                if not isinstance(key, (str, int)):
                    self.problem(key_node, format_path(path), "Schlüssel muss ein Text sein", "feldname: wert")
                    continue
                if key in result:
                    first_line = positions[(*path, key)][0]
                    self.problem(key_node, format_path((*path, key)),
                                 f"Schlüssel doppelt (schon in Zeile {first_line}); YAML würde den ersten Wert "
                                 "stillschweigend verwerfen", "jeden Schlüssel nur einmal je Abschnitt")
                    continue
                result[key] = self.convert(value_node, (*path, key), positions)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), positions) for i, item in enumerate(node.value)]
        construct = _SCALAR_TAGS.get(node.tag)
        if construct is None:
            self.problem(node, format_path(path), f"unbekannter YAML-Typ {node.tag}", "Text, Zahl, Liste oder Abschnitt")
            return None
        try:
            return construct(node.value)
        except ValueError:
            return node.value


def compose_file(file: Path, data: bytes | None = None) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse one file (or its bytes, already read) into a node tree; a syntax or encoding error becomes a problem."""
    try:
        text = (file.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display_path(file), 1, 1, "", f"Datei ist kein UTF-8 ({exc.reason})",
                              "in UTF-8 speichern")]
    try:
        return yaml.compose(text, Loader=Loader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(filter(None, [exc.context, exc.problem]))
        return None, [Problem(display_path(file), line, column, "", f"YAML-Syntaxfehler: {detail}",
                              "gültiges YAML (Einrückung mit Leerzeichen, „: “ nach jedem Schlüssel)")]
    except yaml.YAMLError as exc:
        return None, [Problem(display_path(file), 1, 1, "", f"YAML-Syntaxfehler: {exc}", "gültiges YAML")]


def kind_files(data_dir: Path, kind: Kind) -> list[Path]:
    return sorted(data_dir.glob(kind.path))


def load_file(file: Path, kind: Kind, data: bytes | None = None) -> tuple[list[Record], list[Problem]]:
    node, problems = compose_file(file, data)
    if node is None:
        if not problems and kind.layout == "one":
            problems = [Problem(display_path(file), 1, 1, "", "Datei ist leer", "id: …, title: … auf oberster Ebene")]
        return [], problems
    converter = _Converter(file)
    where = (node.start_mark.line + 1, node.start_mark.column + 1)
    if kind.layout == "one":
        positions: dict[PathKey, tuple[int, int]] = {}
        value = converter.convert(node, (), positions)
        if not isinstance(value, dict):
            return [], [*converter.problems, Problem(display_path(file), *where, "", "Datei muss genau einen "
                        "Datensatz als Abschnitt enthalten", "id: …, title: … auf oberster Ebene")]
        return [Record(kind, value, file, positions)], converter.problems
    if not isinstance(node, yaml.SequenceNode):
        return [], [Problem(display_path(file), *where, "", "Datei muss eine Liste von Datensätzen enthalten",
                            "- id: … je Datensatz")]
    records = []
    for index, item_node in enumerate(node.value):
        positions = {}
        item = converter.convert(item_node, (), positions)
        if isinstance(item, dict):
            records.append(Record(kind, item, file, positions, len(records)))
        else:
            converter.problem(item_node, f"[{index}]", "Eintrag ist kein Datensatz", "- id: … mit Feldern darunter")
    return records, converter.problems


Check = Callable[[list[Record]], list[Problem]]
PARALLEL_FROM = 2000  # files; below this, starting worker processes costs more than it saves
_CHUNK = 500


def _load_chunk(jobs: list[tuple[Path, str]], check: Check | None) -> list[tuple]:
    out = []
    for file, kind_name in jobs:
        data, entry = fingerprint.read(file)
        records, problems = load_file(file, KINDS[kind_name], data)
        if check is not None:
            problems = problems + check(records)
            if not problems:
                for record in records:
                    record.positions = None  # reloaded from the file if a later check needs them
        out.append((records, problems, entry))
    return out


def _workers(files: int) -> int:
    if files < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)


def load_data(data_dir: Path, check: Check | None = None, progress: Progress | None = None) -> LoadResult:
    """Load every kind's files under ``data_dir``; problems are collected, never raised.

    Each file is read once (its digest goes into ``files``). ``check`` runs on each file's records
    right after parsing; large data sets are parsed (and checked) in parallel worker processes.
    """
    result = LoadResult({name: [] for name in KINDS}, [], checked=check is not None)
    jobs = [(file, kind.name) for kind in KINDS.values() for file in kind_files(data_dir, kind)]
    chunks = [jobs[i:i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
    workers = _workers(len(jobs))
    loaded: list[tuple] = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) if workers > 1 else \
            nullcontext() as pool:
        parts = pool.map(_load_chunk, chunks, [check] * len(chunks)) if pool else (
            _load_chunk(chunk, check) for chunk in chunks)
        for part in parts:
            loaded.extend(part)
            if progress:
                progress("Dateien lesen und prüfen", len(loaded), len(jobs))
    for (file, kind_name), (found, file_problems, entry) in zip(jobs, loaded):
        result.files[file.relative_to(data_dir).as_posix()] = entry
        result.records[kind_name].extend(found)
        result.problems.extend(file_problems)
        if not found and file_problems:
            result.unreadable_kinds.add(kind_name)
    result.problems.extend(_stray_files(data_dir, {file for file, _ in jobs}))
    return result


def _stray_files(data_dir: Path, known: set[Path]) -> list[Problem]:
    """YAML files that belong to no kind would be silently ignored: report them instead."""
    patterns = [kind.path for kind in KINDS.values()]
    problems = []
    for file in sorted(p for p in data_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p not in known):
        relative = file.relative_to(data_dir).with_suffix(".yaml").as_posix()
        guess = closest(relative, patterns) or closest(relative.split("/")[0] + "/*.yaml", patterns)
        problems.append(Problem(display_path(file), 1, 1, "", "Datei gehört zu keiner Datenart und würde ignoriert",
                                "eine von: " + ", ".join(patterns), guess))
    return problems
