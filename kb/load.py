"""Read data/**/*.yaml into records that remember the file, line and column of every value.

YAML is composed into nodes (``kb.safe_yaml``: bounded, from libyaml's events) and converted here,
so that duplicate keys and unknown tags become errors instead of silently losing data, and dates
stay strings that validation checks (PyYAML raises a bare ValueError on 2018-02-30).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.model import KINDS, Kind
from kb.problems import ERROR, Problem, closest, display_path
from kb.safe_yaml import MAX_DEPTH, LimitExceeded, compose, limit_problem, read_text, syntax_problem

PathKey = tuple[str | int, ...]


@dataclass
class Record:
    kind: Kind
    data: dict[str, Any]
    file: Path
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value if isinstance(value, str) else None

    @property
    def public(self) -> bool:
        return self.data.get("visibility", "public") == "public"

    def where(self, path: PathKey = ()) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its closest parent."""
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path: PathKey, message: str, expected: str = "", suggestion: str = "",
                severity: str = ERROR) -> Problem:
        line, column = self.where(path)
        return Problem(display_path(self.file), line, column, format_path(path), message, expected, suggestion,
                       severity)


@dataclass
class LoadResult:
    records: dict[str, list[Record]]
    problems: list[Problem]
    unreadable_kinds: set[str] = field(default_factory=set)  # a file of theirs could not be parsed


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


def compose_file(file: Path, data_dir: Path | None = None) -> tuple[yaml.Node | None, list[Problem]]:
    """Read and parse one file into a node tree; any reading, encoding or syntax error becomes a problem."""
    text, problems = read_text(file, data_dir)
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


def load_file(file: Path, kind: Kind, data_dir: Path | None = None) -> tuple[list[Record], list[Problem]]:
    node, problems = compose_file(file, data_dir)
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
            records.append(Record(kind, item, file, positions))
        else:
            converter.problem(item_node, f"[{index}]", "Eintrag ist kein Datensatz", "- id: … mit Feldern darunter")
    return records, converter.problems


def load_data(data_dir: Path) -> LoadResult:
    """Load every kind's files under ``data_dir``; problems are collected, never raised."""
    result = LoadResult({name: [] for name in KINDS}, [])
    known: set[Path] = set()
    for kind in KINDS.values():
        for file in kind_files(data_dir, kind):
            known.add(file)
            found, file_problems = load_file(file, kind, data_dir)
            result.records[kind.name].extend(found)
            result.problems.extend(file_problems)
            if not found and file_problems:
                result.unreadable_kinds.add(kind.name)
    result.problems.extend(_stray_files(data_dir, known))
    return result


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
