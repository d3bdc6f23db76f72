"""Drafts of new records as YAML text, and writing them into a data directory without overwriting.

A draft names its target inside ``data/`` (``cases/<id>.yaml``, ``sources.yaml`` …). Records of a
one-record-per-file kind get a new file; list records are appended to the end of their file, and
an existing file is never rewritten: its bytes stay as they were, followed by the new records.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import yaml

from kb.safe_yaml import LimitExceeded, compose
from kb.model import REVIEW_KEY, Field, Kind

SCHEMA_DIR = PurePosixPath("docs") / "schemas"

Commenter = Callable[[Field], str]


class DraftError(Exception):
    """A draft cannot be written; the message is German and names the file."""


@dataclass(frozen=True)
class Draft:
    kind: Kind
    target: str     # path inside the data directory, with "/"
    text: str       # the records as YAML (a list item per record, or one mapping)
    count: int      # number of records in ``text``


def modeline(kind: Kind, target: str) -> str:
    """The yaml-language-server line that gives editors the JSON Schema of ``kind``."""
    up = "../" * len(PurePosixPath(target).parts)
    return f"# yaml-language-server: $schema={up}{SCHEMA_DIR}/{kind.name}.schema.json\n"


def target_for(kind: Kind, record_id: str, source_id: str | None = None) -> str:
    """Where a new record of ``kind`` goes: its own file, its source's quote file, or the kind's list file."""
    if kind.layout == "one":
        return kind.path.replace("*", record_id)
    if "*" in kind.path:
        return kind.path.replace("*", source_id or record_id)
    return kind.path


def scalar(value: Any) -> str:
    """One YAML scalar or flow list on a single line, quoted only where YAML needs it."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=True, sort_keys=False)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def _ordered_keys(fields: tuple[Field, ...], data: dict[str, Any]) -> list[str]:
    """Model order; a review mark right after the first key, where the curator sees it first."""
    names = [f.name for f in fields if f.name in data]
    names += [k for k in data if k not in names and k != REVIEW_KEY]
    if REVIEW_KEY in data:
        names.insert(1 if names else 0, REVIEW_KEY)
    return names


def _lines(fields: tuple[Field, ...], data: dict[str, Any], pad: str, comment: Commenter | None,
           skeleton: bool) -> list[str]:
    by_name = {f.name: f for f in fields}
    out: list[str] = []
    keys = _ordered_keys(fields, {**{f.name: None for f in fields}, **data} if skeleton else data)
    for key in keys:
        field = by_name.get(key)
        if comment and field:
            out.append(f"{pad}# {comment(field)}")
        if key not in data:  # skeleton: optional fields are shown commented out
            out.append(f"{pad}# {key}:" if not field.required else f"{pad}{key}:")
            continue
        value = data[key]
        if field is not None and field.is_child_list and value:
            out.append(f"{pad}{key}:")
            for item in value:
                out += _as_item(_lines(field.item.fields, item, pad + "    ", comment, skeleton), pad + "  ")
        else:
            out.append(f"{pad}{key}:" if value is None else f"{pad}{key}: {scalar(value)}")
    return out


def _as_item(lines: list[str], pad: str) -> list[str]:
    """Mark the first key line of a mapping as a list item; comments above it align with the dash."""
    first = next(i for i, line in enumerate(lines) if not line.lstrip().startswith("#"))
    return [pad + line.lstrip() for line in lines[:first]] + [f"{pad}- {lines[first].lstrip()}"] + lines[first + 1:]


def render(kind: Kind, data: dict[str, Any], comment: Commenter | None = None, skeleton: bool = False) -> str:
    """YAML text of one record: a list item for list kinds, a mapping for one-record files.

    ``skeleton``: every field of the model appears, optional ones commented out; ``comment`` adds
    a comment line above each field.
    """
    lines = _lines(kind.fields, data, "  " if kind.layout == "list" else "", comment, skeleton)
    if kind.layout == "list":
        lines = _as_item(lines, "")
    return "\n".join(lines) + "\n"


def draft(kind: Kind, records: list[dict[str, Any]], target: str, comment: Commenter | None = None,
          skeleton: bool = False) -> Draft:
    return Draft(kind, target, "".join(render(kind, r, comment, skeleton) for r in records), len(records))


def _appended(path: Path, draft_: Draft) -> tuple[str, str]:
    """The file's text before and with the draft appended, after checking the result is still a list of records."""
    try:
        old = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DraftError(f"{path}: Datei ist kein UTF-8 ({exc.reason}); nichts angehängt") from exc
    new = old + ("" if old.endswith("\n") or not old else "\n") + draft_.text

    def count(text: str) -> int | None:
        try:
            node = compose(text)
        except (yaml.YAMLError, LimitExceeded):
            return None
        return len(node.value) if isinstance(node, yaml.SequenceNode) else (0 if node is None else None)

    before, after = count(old), count(new)
    if before is None or after != before + draft_.count:
        raise DraftError(f"{path}: an diese Datei kann nicht angehängt werden (erwartet: eine gültige Liste "
                         "'- id: …' auf oberster Ebene); bitte zuerst 'kb validate' ausführen und Fehler beheben")
    return old, new


def check_writable(data_dir: Path, drafts: list[Draft]) -> None:
    """Raise ``DraftError`` before anything is written if any draft could not be written."""
    for d in drafts:
        path = data_dir / d.target
        if path.exists() and (d.kind.layout == "one" or not path.is_file()):
            raise DraftError(f"{path} gibt es schon; kb überschreibt nie eine Datei (erwartet: eine freie "
                             "Kennung oder die vorhandene Datei von Hand ergänzen)")
        if path.exists():
            _appended(path, d)


def write(data_dir: Path, drafts: list[Draft]) -> list[tuple[Path, int]]:
    """Write every draft; returns (file, first line of the new records). Nothing is written if one fails."""
    check_writable(data_dir, drafts)
    written = []
    for d in drafts:
        path = data_dir / d.target
        if path.exists():
            old, new = _appended(path, d)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(new[len(old):])
            written.append((path, old.count("\n") + 1))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:
                handle.write(modeline(d.kind, d.target) + d.text)
            written.append((path, 2))
    return written


def as_text(drafts: list[Draft], data_dir: Path, note: str = "") -> str:
    """Every draft in one YAML stream for review on the terminal, each document naming its target."""
    parts = [note] if note else []
    for d in drafts:
        exists = (data_dir / d.target).exists() and d.kind.layout == "list"
        parts.append(f"--- # {d.target} ({'anhängen' if exists else 'neue Datei'})\n{d.text}")
    return "".join(parts)
