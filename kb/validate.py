"""Check loaded records against the model and report every problem at once."""
from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

from kb.ids import slugify
from kb.load import LoadResult, PathKey, Record, load_data
from kb.model import (FUTURE_YEARS, INT_RANGE, KINDS, MAX_ID_LENGTH, PARTIAL_DATE_PATTERN, REVIEW_KEY, SLUG_PATTERN,
                      Field)
from kb.problems import WARNING, Problem, closest, display_path, shown
from kb.progress import Progress

_SLUG = re.compile(SLUG_PATTERN)
_PARTIAL_DATE = re.compile(PARTIAL_DATE_PATTERN)

TYPE_HINTS = {
    "str": "Text", "text": "Text", "slug": "Kennung aus a-z, 0-9, - und _ (z. B. 'kassel-2018')",
    "url": "Adresse mit http:// oder https://", "date": "Datum JJJJ-MM-TT",
    "partial_date": "Datum JJJJ, JJJJ-MM oder JJJJ-MM-TT", "int": "ganze Zahl", "float": "Zahl",
    "bool": "true oder false", "ref": "Kennung eines Eintrags", "enum": "einer der erlaubten Werte",
    "list": "Liste (- …)", "object": "Abschnitt mit Feldern",
}


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_TYPE_CHECKS = {
    **dict.fromkeys(("str", "text", "slug", "url", "date", "ref", "enum"), _is_str),
    "partial_date": lambda v: _is_str(v) or _is_int(v),  # a bare year may be a YAML number
    "int": _is_int,
    "float": lambda v: _is_int(v) or isinstance(v, float),
    "bool": lambda v: isinstance(v, bool),
    "list": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}
_TYPE_NAMES = {"str": "Text", "int": "Zahl", "float": "Zahl", "bool": "Wahrheitswert", "list": "Liste",
               "dict": "Abschnitt"}


_URL = re.compile(r"https?://[^\s\"'<>\\^`{|}\x00-\x1f\x7f-\x9f]+")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # text fields may hold tab and line feed
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # single-line fields
_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_DATE_RANGES = (("period_start", "period_end"), ("date", "date_end"))  # start before end, wherever both exist
_SCALAR_TYPES = (bool, int, float)


def valid_partial_date(value: str) -> bool:
    if not _PARTIAL_DATE.fullmatch(value):
        return False
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _check_value(record: Record, path: PathKey, field: Field, value: Any) -> Iterator[Problem]:
    """Type and format problems of one value (references are checked later, with all ids known)."""
    expected = TYPE_HINTS[field.type]
    if not _TYPE_CHECKS[field.type](value):
        shown = "leer" if value is None else _TYPE_NAMES.get(type(value).__name__, type(value).__name__)
        if isinstance(value, float) and not math.isfinite(value):
            shown = f"{shown} {value!r}".replace("nan", ".nan").replace("inf", ".inf")
        if isinstance(value, _SCALAR_TYPES) and _TYPE_CHECKS[field.type]("text"):
            expected += " (in Anführungszeichen, wenn YAML ihn sonst als Zahl oder true/false liest)"
        yield record.problem(path, f"falscher Typ ({shown})", expected)
        return
    if isinstance(value, str):
        yield from _check_text(record, path, field, value)
        return
    yield from _check_structure(record, path, field, value)


def _check_text(record: Record, path: PathKey, field: Field, value: str) -> Iterator[Problem]:
    expected = TYPE_HINTS[field.type]
    if not value.strip():
        yield record.problem(path, "leerer Text", f"{expected}; unbekannte Angaben weglassen")
        return
    control = (_CONTROL if field.type == "text" else _CONTROL_OR_BREAK).search(value)
    if control:
        char = control.group()
        what = "Zeilenumbruch" if char in "\n\r\u2028\u2029" else f"Steuerzeichen U+{ord(char):04X}"
        yield record.problem(path, f"{what} an Stelle {control.start() + 1} ist hier nicht erlaubt",
                             f"{expected} in einer Zeile, ohne Steuerzeichen")
        return
    if field.type == "text" and _HTML.search(value):
        yield record.problem(path, f"enthält HTML ({_HTML.search(value).group()}); die Website zeigt es als Text, "
                             "nicht als Formatierung", "Text ohne HTML (Absätze mit Leerzeile)", severity=WARNING)
    if field.type in ("slug", "ref") and len(value) > MAX_ID_LENGTH:
        yield record.problem(path, f"Kennung ist {len(value)} Zeichen lang", f"höchstens {MAX_ID_LENGTH} Zeichen")
    elif field.type in ("slug", "ref") and not _SLUG.fullmatch(value):
        suggestion = slugify(value, max_words=len(value), max_length=len(value) * 2, drop_stopwords=False)
        yield record.problem(path, f"'{shown(value)}' ist keine gültige Kennung", TYPE_HINTS["slug"], suggestion)
    elif field.type == "url":
        if not _URL.fullmatch(value) or not urlparse(value).netloc:
            yield record.problem(path, f"'{shown(value)}' ist keine gültige Adresse",
                                 f"{expected}, ohne Leerzeichen und Anführungszeichen (sonst %20, %22, %27)")
    elif field.type in ("date", "partial_date"):
        yield from _check_date(record, path, field, value)
    elif field.type == "enum" and value not in field.choices:
        yield record.problem(path, f"'{shown(value)}' ist nicht erlaubt", ", ".join(field.choices),
                             closest(value, field.choices))
    elif field.type == "str" and field.pattern and not re.fullmatch(field.pattern, value):
        yield record.problem(path, f"'{shown(value)}' hat nicht das erwartete Format", field.pattern)


def _check_date(record: Record, path: PathKey, field: Field, value: str) -> Iterator[Problem]:
    expected = TYPE_HINTS[field.type]
    if (field.type == "date" and len(value) != 10) or not valid_partial_date(value):
        yield record.problem(path, f"'{shown(value)}' ist kein gültiges Datum", expected)
    elif int(value[:4]) > dt.date.today().year + FUTURE_YEARS:
        yield record.problem(path, f"'{shown(value)}' liegt mehr als {FUTURE_YEARS} Jahre in der Zukunft",
                             "ein Datum, das die Quelle nennt (Tippfehler im Jahr?)")


def _check_structure(record: Record, path: PathKey, field: Field, value: Any) -> Iterator[Problem]:
    """Numbers, dates written as bare years, lists and objects."""
    if field.type == "partial_date":
        yield from _check_date(record, path, field, str(value))
    elif field.type in ("int", "float"):
        if isinstance(value, float) and not math.isfinite(value):
            yield record.problem(path, f"{value!r} ist keine endliche Zahl".replace("nan", ".nan")
                                 .replace("inf", ".inf"), TYPE_HINTS[field.type])
        elif isinstance(value, int) and not INT_RANGE[0] <= value <= INT_RANGE[1]:
            yield record.problem(path, f"{value} liegt außerhalb des speicherbaren Zahlenbereichs",
                                 f"eine Zahl zwischen {INT_RANGE[0]} und {INT_RANGE[1]}")
        elif field.minimum is not None and value < field.minimum:
            yield record.problem(path, f"{value} ist zu klein", f"mindestens {field.minimum:g}")
        elif field.maximum is not None and value > field.maximum:
            yield record.problem(path, f"{value} ist zu groß", f"höchstens {field.maximum:g}")
    elif field.type == "list":
        if len(value) < field.min_items:
            yield record.problem(path, "Liste ist leer" if not value else "zu wenige Einträge",
                                 f"mindestens {field.min_items} Eintrag/Einträge")
        seen: dict[object, int] = {}
        for index, item in enumerate(value):
            yield from _check_value(record, (*path, index), field.item, item)
            if field.item.type in ("ref", "str") and isinstance(item, str):
                if item in seen:
                    yield record.problem((*path, index), f"'{shown(item)}' steht doppelt in der Liste "
                                         f"(schon an Position {seen[item] + 1})", "jeden Eintrag nur einmal")
                seen.setdefault(item, index)
    elif field.type == "object":
        yield from _check_members(record, path, field.fields, value)


def _check_members(record: Record, path: PathKey, fields: tuple[Field, ...], data: dict) -> Iterator[Problem]:
    by_name = {f.name: f for f in fields}
    for key, value in data.items():
        field = by_name.get(key)
        if key == REVIEW_KEY:
            yield record.problem((*path, key), f"offener Prüfhinweis: {value}",
                                 "den Hinweis abarbeiten, dann die Zeile 'review:' löschen")
            continue
        if field is None:
            yield record.problem((*path, key), "unbekanntes Feld", "eines von: " + ", ".join(by_name),
                                 closest(str(key), by_name))
            continue
        if value is None:
            if field.required or (not path and any(key in group for group in record.kind.one_of)):
                yield record.problem((*path, key), "Pflichtfeld ist noch leer", TYPE_HINTS[field.type])
            else:
                yield record.problem((*path, key), "leerer Wert", "Feld weglassen, wenn die Angabe unbekannt ist")
            continue
        yield from _check_value(record, (*path, key), field, value)
    for field in fields:
        if field.required and field.name not in data:
            yield record.problem(path, f"Pflichtfeld '{field.name}' fehlt", f"{field.name}: {TYPE_HINTS[field.type]}")


def check_record(record: Record) -> Iterator[Problem]:
    kind = record.kind
    yield from _check_members(record, (), kind.fields, record.data)
    for group in kind.one_of:
        if not any(name in record.data for name in group):
            yield record.problem((), f"eines der Felder {' oder '.join(group)} fehlt",
                                 f"{group[0]}: … (oder {', '.join(group[1:])}: …)")
    for start, end in _DATE_RANGES:
        first, last = str(record.data.get(start, "")), str(record.data.get(end, ""))
        if first and last and valid_partial_date(first) and valid_partial_date(last):
            common = min(len(first), len(last))  # 2018 vs 2017-05: compare the years only
            if last[:common] < first[:common]:
                yield record.problem((end,), f"'{last}' liegt vor {start} '{first}'",
                                     f"{end} gleich oder nach {start}")
    if kind.id_matches_file and record.id and record.id != record.file.stem:
        yield record.problem(("id",), f"Kennung '{shown(record.id)}' passt nicht zum Dateinamen '{record.file.name}'",
                             "Kennung gleich Dateiname ohne .yaml", record.file.stem)


def iter_refs(fields: tuple[Field, ...], data: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, Field, str]]:
    """Every reference value in ``data``: (path, ref field, id)."""
    if not isinstance(data, dict):
        return
    for field in fields:
        value = data.get(field.name)
        if field.type == "ref" and isinstance(value, str):
            yield (*path, field.name), field, value
        elif field.type == "object":
            yield from iter_refs(field.fields, value, (*path, field.name))
        elif field.type == "list" and isinstance(value, list):
            for index, item in enumerate(value):
                item_path = (*path, field.name, index)
                if field.item.type == "ref" and isinstance(item, str):
                    yield item_path, field.item, item
                elif field.item.type == "object":
                    yield from iter_refs(field.item.fields, item, item_path)


def _needed(record: Record, field: Field) -> bool:
    """Whether the record breaks the model without this field: it is required, or the only one of its group."""
    return field.required or any(field.name in group and not any(n in record.data for n in group if n != field.name)
                                 for group in record.kind.one_of)


def check_ids_and_refs(result: LoadResult) -> Iterator[Problem]:
    ids: dict[str, dict[str, Record]] = {}
    for kind_name, records in result.records.items():
        seen: dict[str, Record] = {}
        for record in records:
            if record.id is None:
                continue
            if record.id in seen:
                first = seen[record.id]
                yield record.problem(("id",), f"Kennung '{shown(record.id)}' ist doppelt (schon in "
                                     f"{display_path(first.file)}:{first.where(('id',))[0]})",
                                     "eine eindeutige Kennung je Eintrag")
            else:
                seen[record.id] = record
        ids[kind_name] = seen
    for records in result.records.values():
        for record in records:
            for path, field, value in iter_refs(record.kind.fields, record.data):
                # Ids in an unparseable file are unknown, not missing: do not report them twice.
                if value not in ids[field.ref] and field.ref not in result.unreadable_kinds:
                    target = KINDS[field.ref]
                    yield record.problem(path, f"unbekannte Kennung '{shown(value)}'",
                                         f"Kennung aus {target.title} ({target.path})",
                                         closest(value, ids[field.ref]))
                elif (len(path) == 1 and record.public and not ids[field.ref].get(value, record).public
                      and _needed(record, field)):
                    # the build leaves out links to unpublished records; this one the record cannot do without
                    yield record.problem(path, f"'{shown(value)}' ist intern (visibility: internal) und wird nicht "
                                         "veröffentlicht, dieser Eintrag aber schon; ohne die Angabe wäre er "
                                         "unvollständig", "einen veröffentlichten Eintrag oder diesen Eintrag "
                                         "ebenfalls auf visibility: internal setzen")


def _codings(case: Record) -> Iterator[tuple[int, dict]]:
    for index, coding in enumerate(case.data.get("factors") or []):
        if isinstance(coding, dict) and isinstance(coding.get("factor"), str):
            yield index, coding


def check_codings(case: Record) -> Iterator[Problem]:
    """One coding per factor and case; a verbatim coding quotes its source in „…“."""
    first: dict[str, int] = {}
    for index, coding in _codings(case):
        factor = coding["factor"]
        if factor in first:
            line = case.where(("factors", first[factor], "factor"))[0]
            yield case.problem(("factors", index, "factor"),
                               f"Erfolgsfaktor '{factor}' ist in diesem Praxisbeispiel schon codiert (Zeile {line})",
                               "eine Codierung je Erfolgsfaktor und Praxisbeispiel; Belege in einer Codierung "
                               "zusammenführen, bei verschiedenen Quellen den stärkeren Beleg behalten")
        first.setdefault(factor, index)
        evidence = coding.get("evidence")
        if coding.get("verbatim") is True and isinstance(evidence, str) and "„" not in evidence:
            yield case.problem(("factors", index, "evidence"),
                               "Beleg ist als wörtlich markiert (verbatim: true), enthält aber kein Zitat in „…“",
                               "das wörtliche Zitat in „…“ setzen oder verbatim: false für eine Umschreibung")


def check_factor_coverage(result: LoadResult) -> Iterator[Problem]:
    """An anchor case codes its factor; a coverage note belongs only to a factor without codings."""
    coded_by: dict[str, list[str]] = {}
    for case in result.records["case"]:
        for _, coding in _codings(case):
            if case.id:
                coded_by.setdefault(coding["factor"], []).append(case.id)
    case_ids = {c.id for c in result.records["case"]}
    for factor in result.records["factor"]:
        cases = coded_by.get(factor.id or "", [])
        anchor = factor.data.get("anchor_case")
        if isinstance(anchor, str) and anchor in case_ids and anchor not in cases:
            expected = (f"ein Praxisbeispiel, das '{factor.id}' codiert, z. B. {', '.join(sorted(cases)[:3])}"
                        if cases else "ein Praxisbeispiel, das diesen Faktor codiert; solange es keines gibt, "
                        "anchor_case weglassen und coverage_note schreiben")
            yield factor.problem(("anchor_case",), f"Praxisbeispiel '{anchor}' codiert den Erfolgsfaktor "
                                 f"'{factor.id}' nicht", expected)
        if factor.data.get("coverage_note") and cases:
            yield factor.problem(("coverage_note",), f"Erfolgsfaktor ist in {len(cases)} Praxisbeispiel(en) codiert "
                                 f"({', '.join(sorted(cases)[:3])}), die Anmerkung „Warum ohne Praxisbeispiel“ "
                                 "stimmt nicht mehr", "coverage_note löschen und ein anchor_case angeben")


def record_problems(records: list[Record]) -> list[Problem]:
    """The checks that need only the record itself (run while loading, file by file)."""
    problems = []
    for record in records:
        problems.extend(check_record(record))
        if record.kind.name == "case":
            problems.extend(check_codings(record))
    return problems


def validate(result: LoadResult) -> list[Problem]:
    problems = list(result.problems)
    if not result.checked:
        for records in result.records.values():
            problems.extend(record_problems(records))
    problems.extend(check_factor_coverage(result))
    problems.extend(check_ids_and_refs(result))
    return sorted(set(problems))


def validate_dir(data_dir: Path, progress: Progress | None = None,
                 db_path: Path | None = None) -> tuple[LoadResult, list[Problem]]:
    """Load and validate ``data_dir``; with ``db_path``, unchanged files come from its parse cache."""
    result = load_data(data_dir, check=record_problems, progress=progress, db_path=db_path)
    return result, validate(result)
