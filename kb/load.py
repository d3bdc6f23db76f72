"""Read data/**/*.yaml into records that remember the file, line and column of every value.

YAML is composed into nodes (``kb.safe_yaml``: bounded, from libyaml's events) and converted here,
so that duplicate keys and unknown tags become errors instead of silently losing data, and dates
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
from kb.parse_cache import ParseCache, Parsed
from kb.progress import Progress
from kb.problems import ERROR, Problem, closest, display_path
from kb.safe_yaml import MAX_DEPTH, LimitExceeded, compose, decode, limit_problem, read_text, syntax_problem

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
    clean: dict[str, Parsed] = field(default_factory=dict)  # files without any problem, for the parse cache

    @property
    def fingerprint(self) -> str:
        return fingerprint.combine(self.files)


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_TAGS = {  # YAML 1.1 as PyYAML reads it (0x1F, 1_000, .nan, .inf, yes/no …)
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": lambda node: node.value,  # kept as text: validation checks the calendar
    "tag:yaml.org,2002:str": lambda node: node.value,
}
_COLLECTION_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}
MAX_ALIAS_VALUES = 10_000  # values repeated through aliases (*name) in one file; an alias bomb has billions


class _Converter:
    """Turns a composed node tree into Python values, recording positions and problems."""

    def __init__(self, file: Path):
        self.file = file
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.repeated = 0  # nodes converted a second time, because an alias points at them

    def problem(self, node: yaml.Node, field: str, message: str, expected: str = "") -> None:
        mark = node.start_mark
        self.problems.append(Problem(display_path(self.file), mark.line + 1, mark.column + 1, field, message, expected))

    def convert(self, node: yaml.Node, path: PathKey, positions: dict[PathKey, tuple[int, int]], depth: int = 0) -> Any:
        positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self.seen:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_VALUES:
                raise LimitExceeded(node.start_mark, f"Aliase (*name) vervielfachen die Datei auf mehr als "
                                    f"{MAX_ALIAS_VALUES} wiederholte Werte", "Werte ausschreiben statt Aliase")
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise LimitExceeded(node.start_mark, f"mehr als {MAX_DEPTH} Ebenen verschachtelt (über Aliase)",
                                "keine verschachtelten Aliase")
        known = _COLLECTION_TAGS.get(type(node)) == node.tag or node.tag in _SCALAR_TAGS
        if not known:  # an error, but the value is read as if untagged, so nothing else is reported twice
            self.problem(node, format_path(path), *_unknown_tag(node))
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.convert(key_node, path, {}, depth + 1)
                if not isinstance(key, (str, int)):
                    self.problem(key_node, format_path(path), "Schlüssel muss ein Text sein", "feldname: wert")
                    continue
                if key in result:
                    first_line = positions[(*path, key)][0]
                    self.problem(key_node, format_path((*path, key)),
                                 f"Schlüssel doppelt (schon in Zeile {first_line}); YAML würde den ersten Wert "
                                 "stillschweigend verwerfen", "jeden Schlüssel nur einmal je Abschnitt")
                    continue
                result[key] = self.convert(value_node, (*path, key), positions, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), positions, depth + 1) for i, item in enumerate(node.value)]
        try:
            return _SCALAR_TAGS.get(node.tag, _SCALAR_TAGS["tag:yaml.org,2002:str"])(node)
        except ValueError:  # e.g. !!int abc
            return node.value


def _unknown_tag(node: yaml.Node) -> tuple[str, str]:
    """Message and expectation for a value with a tag the data model does not read."""
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    if tag == "!!merge":
        return "„<<“ (Felder aus einem Alias übernehmen) wird nicht unterstützt", "die Felder ausschreiben"
    return f"unbekannter YAML-Typ {tag}", "Text, Zahl, Liste oder Abschnitt ohne !Typ"


def compose_file(file: Path, data_dir: Path | None = None,
                 data: bytes | None = None) -> tuple[yaml.Node | None, list[Problem]]:
    """Read (unless its bytes are given) and parse one file into a node tree; any reading, encoding or
    syntax error becomes a problem."""
    text, problems = read_text(file, data_dir) if data is None else decode(file, data)
    if text is None:
        return None, problems
    try:
        return compose(text), []
    except yaml.YAMLError as exc:
        return None, [syntax_problem(file, exc, text)]
    except LimitExceeded as exc:
        return None, [limit_problem(file, exc)]


def kind_files(data_dir: Path, kind: Kind) -> list[Path]:
    return sorted(data_dir.glob(kind.path))


def load_file(file: Path, kind: Kind, data_dir: Path | None = None,
              data: bytes | None = None) -> tuple[list[Record], list[Problem]]:
    node, problems = compose_file(file, data_dir, data)
    if node is None:
        if not problems and kind.layout == "one":
            problems = [Problem(display_path(file), 1, 1, "", "Datei ist leer", "id: …, title: … auf oberster Ebene")]
        return [], problems
    try:
        return _records(file, kind, node)
    except LimitExceeded as exc:
        return [], [limit_problem(file, exc)]


def _records(file: Path, kind: Kind, node: yaml.Node) -> tuple[list[Record], list[Problem]]:
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


def _load_chunk(jobs: list[tuple[Path, str]], check: Check | None, data_dir: Path) -> list[tuple]:
    out = []
    for file, kind_name in jobs:
        data, problems, entry = fingerprint.read(file, data_dir)
        if data is not None:
            records, problems = load_file(file, KINDS[kind_name], data_dir, data)
        else:
            records = []
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


def load_data(data_dir: Path, check: Check | None = None, progress: Progress | None = None,
              db_path: Path | None = None) -> LoadResult:
    """Load every kind's files under ``data_dir``; problems are collected, never raised.

    Each file is read once (its digest goes into ``files``). ``check`` runs on each file's records
    right after parsing; large data sets are parsed (and checked) in parallel worker processes.
    With ``db_path`` (and ``check``), files unchanged since that database was built come from its
    parse cache (``kb.parse_cache``) without being read.
    """
    result = LoadResult({name: [] for name in KINDS}, [], checked=check is not None)
    all_jobs = [(file, kind.name) for kind in KINDS.values() for file in kind_files(data_dir, kind)]
    relatives = [file.relative_to(data_dir).as_posix() for file, _ in all_jobs]
    cached = _from_cache(data_dir, db_path, all_jobs, relatives) if db_path is not None and check is not None else {}
    jobs = [job for job in all_jobs if job[0] not in cached]
    chunks = [jobs[i:i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
    workers = _workers(len(jobs))
    loaded: list[tuple] = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) if workers > 1 else \
            nullcontext() as pool:
        parts = pool.map(_load_chunk, chunks, [check] * len(chunks), [data_dir] * len(chunks)) if pool else (
            _load_chunk(chunk, check, data_dir) for chunk in chunks)
        for part in parts:
            loaded.extend(part)
            if progress:
                progress("Dateien lesen und prüfen", len(loaded), len(jobs))
    parsed = dict(zip(jobs, loaded))
    for (file, kind_name), relative in zip(all_jobs, relatives):  # in file order, whether parsed or cached
        found, file_problems, entry = parsed.get((file, kind_name)) or cached[file]
        result.files[relative] = entry
        result.records[kind_name].extend(found)
        result.problems.extend(file_problems)
        if not found and file_problems:
            result.unreadable_kinds.add(kind_name)
        if not file_problems:
            result.clean[relative] = (kind_name, [(r.data, r.index) for r in found])
    result.problems.extend(_stray_files(data_dir, {file for file, _ in all_jobs}))
    return result


def _from_cache(data_dir: Path, db_path: Path, jobs: list[tuple[Path, str]],
                relatives: list[str]) -> dict[Path, tuple]:
    """(records, no problems, manifest entry) of every file whose metadata still matches the manifest of
    ``db_path`` and whose records are in its parse cache."""
    known = fingerprint.recorded(db_path, data_dir)
    current: dict[str, tuple[Path, str, list]] = {}
    for (file, kind_name), relative in zip(jobs, relatives):
        entry = fingerprint.unchanged(known, relative, file)
        if entry is not None:
            current[relative] = (file, kind_name, entry)
    hits = ParseCache(db_path).get({relative: (entry[4], kind_name)
                                    for relative, (_, kind_name, entry) in current.items()})
    out = {}
    for relative, items in hits.items():
        file, kind_name, entry = current[relative]
        out[file] = ([Record(KINDS[kind_name], data, file, None, index) for data, index in items], [], entry)
    return out


def _stray_files(data_dir: Path, known: set[Path]) -> list[Problem]:
    """YAML files that belong to no kind would be silently ignored: report them instead."""
    patterns = [kind.path for kind in KINDS.values()]
    problems = []
    for file in sorted(p for p in data_dir.rglob("*") if p.suffix.lower() in (".yaml", ".yml") and p not in known):
        relative = file.relative_to(data_dir).with_suffix(".yaml").as_posix()
        guess = closest(relative, patterns) or closest(relative.split("/")[0] + "/*.yaml", patterns)
        problems.append(Problem(display_path(file), 1, 1, "", "Datei gehört zu keiner Datenart und würde ignoriert",
                                "eine von: " + ", ".join(patterns), guess))
    return problems
