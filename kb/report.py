"""Content-quality report (``kb report``): coverage, gaps and weak spots of the curated data.

Works on the YAML records as loaded (drafts with open review marks included), so curators see
the state of their working copy, not only what is published. Every section is a ``Table``;
``markdown`` and ``terminal`` only render them.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from kb.build import DERIVED_VALUES, _Labels
from kb.duplicates import near_duplicates
from kb.load import Record
from kb.model import KINDS, REVIEW_KEY
from kb.problems import Problem
from kb.text import fold, stem_text
from kb.validate import iter_refs

# Tense and wording of a plan: a plan is not evidence (coding protocol).
_PLAN = re.compile(r"\b(soll|sollen|sollte|sollten|geplant|künftig|zukünftig|wird\b.*\bwerden)\b", re.I)
# Words of a note that records a contradiction between sources.
_CONTRADICTION_STEMS = ("widerspr", "unterschied", "abweich", "uneinheit", "dageg", "hingeg")
_NOT_A_CONTRADICTION = re.compile(r"\bkein(?:en)? (?:direkter )?Widerspruch", re.I)


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""


@dataclass
class Report:
    tables: list[Table]

    def table(self, title: str) -> Table:
        return next(t for t in self.tables if t.title == title)


def _label(record: Record) -> str:
    value = record.data.get(record.kind.label)
    return value if isinstance(value, str) else (record.id or "")


def _public(records: list[Record]) -> list[Record]:
    return [r for r in records if r.data.get("visibility", "public") == "public"]


def _codings(case: Record) -> list[dict[str, Any]]:
    return [c for c in case.data.get("factors") or [] if isinstance(c, dict)]


def _case_years(records: dict[str, list[Record]]) -> dict[str, int | None]:
    """Year of each case: first presentation, else start (the derived columns of the build)."""
    labels = _Labels(records)
    years = {}
    for case in records["case"]:
        try:
            derived = DERIVED_VALUES["case"](case, labels)
        except (TypeError, ValueError, KeyError, AttributeError):  # a draft or broken record
            derived = {}
        years[case.id] = derived.get("presented_year") or derived.get("start_year")
    return years


def _coverage(records: dict[str, list[Record]], years: dict[str, int | None]) -> list[Table]:
    cases = records["case"]
    factor_cases: Counter = Counter()
    verbatim: Counter = Counter()
    for case in cases:
        for coding in _codings(case):
            factor_cases[coding.get("factor")] += 1
            verbatim[coding.get("factor")] += coding.get("verbatim") is True
    factor_quotes = Counter(f for q in records["quote"] for f in q.data.get("factors") or [])
    factors = Table("Abdeckung je Erfolgsfaktor", ["Erfolgsfaktor", "Praxisbeispiele", "davon wörtlich belegt",
                                                   "Zitate und Aussagen"],
                    [[_label(f), factor_cases[f.id], verbatim[f.id], factor_quotes[f.id]] for f in records["factor"]])
    field_cases = Counter(f for c in cases for f in c.data.get("fields") or [])
    fields = Table("Abdeckung je Handlungsfeld", ["Handlungsfeld", "Praxisbeispiele"],
                   [[_label(f), field_cases[f.id]] for f in records["field"]])
    state_of = {m.id: m.data.get("state") for m in records["municipality"]}
    state_cases = Counter(state_of.get(c.data.get("municipality")) for c in cases)
    state_municipalities = Counter(state_of.values())
    states = Table("Abdeckung je Bundesland", ["Bundesland", "Praxisbeispiele", "Kommunen"],
                   [[_label(s), state_cases[s.id], state_municipalities[s.id]] for s in records["state"]])
    year_cases = Counter(years.values())
    year_rows = [[str(y), n] for y, n in sorted((y, n) for y, n in year_cases.items() if y)]
    if year_cases[None]:
        year_rows.append(["ohne Jahr", year_cases[None]])
    years_table = Table("Abdeckung je Jahr", ["Jahr", "Praxisbeispiele"], year_rows,
                        "Jahr der ersten Veranstaltung, auf der das Beispiel vorgestellt wurde, sonst des Beginns.")
    return [factors, fields, states, years_table]


def _gaps(records: dict[str, list[Record]], years: dict[str, int | None]) -> Table:
    rows = []
    for case in records["case"]:
        missing = []
        codings = _codings(case)
        if not codings:
            missing.append("keine Codierung")
        if any(not str(c.get("evidence") or "").strip() for c in codings):
            missing.append("Codierung ohne Beleg")
        if not years.get(case.id):
            missing.append("kein Jahr")
        if missing:
            rows.append([case.id, _label(case), ", ".join(missing)])
    return Table("Praxisbeispiele ohne Codierung, Beleg oder Jahr", ["Kennung", "Titel", "Es fehlt"], rows)


def _sources(records: dict[str, list[Record]]) -> list[Table]:
    cited: Counter = Counter()
    for rs in records.values():
        for r in rs:
            for _, f, value in iter_refs(r.kind.fields, r.data):
                if f.ref == "source":
                    cited[value] += 1
    uncited = Table("Quellen, die nichts nennt", ["Kennung", "Titel"],
                    [[s.id, _label(s)] for s in records["source"] if not cited[s.id]])
    single = Table("Einträge mit nur einer Quelle", ["Art", "Kennung", "Bezeichnung", "Quelle"],
                   note="Praxisbeispiele, Veranstaltungen, Organisationen, Kommunen und Reihen, deren Angaben "
                        "eine einzige Quelle belegt.")
    for kind in ("case", "event", "organization", "municipality", "series"):
        for r in records[kind]:
            sources = r.data.get("sources")
            if isinstance(sources, list) and len(sources) == 1:
                single.rows.append([KINDS[kind].title, r.id, _label(r), sources[0]])
    return [uncited, single]


def _is_contradiction(text: str) -> bool:
    stems = f" {stem_text(text)}"
    return (any(f" {s}" in stems for s in _CONTRADICTION_STEMS) or "widerspruch" in fold(text)) \
        and not _NOT_A_CONTRADICTION.search(text)


def _contradictions(records: dict[str, list[Record]]) -> Table:
    table = Table("Offene Anmerkungen zu Widersprüchen", ["Art", "Kennung", "Quellen", "Anmerkung"],
                  note="Anmerkungen mit mindestens zwei Quellen, die einen Widerspruch oder Unterschied zwischen "
                       "ihnen festhalten; offen, solange die Anmerkung besteht.")
    for rs in records.values():
        for r in rs:
            for note in r.data.get("notes") or []:
                if not isinstance(note, dict):
                    continue
                text, sources = str(note.get("text") or ""), note.get("sources") or []
                if isinstance(sources, list) and len(sources) >= 2 and _is_contradiction(text):
                    table.rows.append([r.kind.title, r.id, ", ".join(map(str, sources)), text])
    return table


def _weak_codings(records: dict[str, list[Record]]) -> Table:
    titles = {s.id: fold(_label(s)) for s in records["source"]}
    table = Table("Schwachstellen laut Codierprotokoll", ["Praxisbeispiel", "Erfolgsfaktor", "Hinweis", "Beleg"],
                  note="Belege, die nach Plan („soll“, „wird … werden“, „geplant“) oder nach der Überschrift der "
                       "Quelle klingen: ein Plan oder eine Überschrift ist kein Beleg.")
    for case in records["case"]:
        for coding in _codings(case):
            evidence = str(coding.get("evidence") or "")
            bare = fold(evidence.strip(" „“\"'."))
            hints = []
            if _PLAN.search(evidence):
                hints.append("klingt nach Plan")
            if bare and (bare == titles.get(coding.get("source")) or bare == fold(_label(case))):
                hints.append("gleich der Überschrift")
            if hints:
                table.rows.append([case.id, coding.get("factor"), ", ".join(hints), evidence])
    return table


def _warnings(warnings: list[Problem]) -> Table:
    return Table("Mögliche Dubletten", ["Stelle", "Hinweis"],
                 [[f"{w.file}:{w.line}:{w.column}", f"{w.field}: {w.message}"] for w in warnings])


def _count_reviews(value: Any) -> int:
    if isinstance(value, dict):
        return (REVIEW_KEY in value) + sum(_count_reviews(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_reviews(v) for v in value)
    return 0


def _overview(records: dict[str, list[Record]], sections: Iterable[Table], warnings: list[Problem]) -> Table:
    rows: list[list[Any]] = []
    for kind in ("case", "quote", "factor", "person", "organization", "municipality", "event", "source"):
        all_records = records[kind]
        internal = len(all_records) - len(_public(all_records))
        rows.append([KINDS[kind].title, len(all_records) - internal, internal])
    rows.append(["Codierungen", sum(len(_codings(c)) for c in records["case"]), ""])
    by_title = {t.title: t for t in sections}
    for title in ("Praxisbeispiele ohne Codierung, Beleg oder Jahr", "Quellen, die nichts nennt",
                  "Einträge mit nur einer Quelle", "Offene Anmerkungen zu Widersprüchen",
                  "Schwachstellen laut Codierprotokoll"):
        rows.append([title, len(by_title[title].rows), ""])
    rows.append(["Mögliche Dubletten (Warnungen)", len(warnings), ""])
    rows.append(["Offene Prüfhinweise (review:)",
                 sum(_count_reviews(r.data) for rs in records.values() for r in rs), ""])
    return Table("Überblick", ["", "Anzahl", "davon intern"], rows)


def build_report(records: dict[str, list[Record]]) -> Report:
    warnings = near_duplicates(records)
    years = _case_years(records)
    sections = [*_coverage(records, years), _gaps(records, years), *_sources(records), _contradictions(records),
                _weak_codings(records), _warnings(warnings)]
    return Report([_overview(records, sections, warnings), *sections])


# ---------------------------------------------------------------------------- rendering


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown(report: Report) -> str:
    out = ["# Qualitätsbericht Kooperationswissen", ""]
    for table in report.tables:
        out += [f"## {table.title}", ""]
        if table.note:
            out += [table.note, ""]
        if not table.rows:
            out += ["Keine.", ""]
            continue
        out.append("| " + " | ".join(table.columns) + " |")
        out.append("|" + "|".join("---:" if isinstance(table.rows[0][i], int) else "---"
                                  for i in range(len(table.columns))) + "|")
        out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.rows]
        out.append("")
    return "\n".join(out)


def terminal(report: Report, console) -> None:
    """Print every section as a rich table."""
    from rich.table import Table as RichTable

    for table in report.tables:
        shown = RichTable(title=table.title, caption=table.note or None, title_justify="left",
                          caption_justify="left", show_lines=False)
        for i, column in enumerate(table.columns):
            numeric = bool(table.rows) and isinstance(table.rows[0][i], int)
            shown.add_column(column, justify="right" if numeric else "left", overflow="fold")
        for row in table.rows:
            shown.add_row(*(str(v) for v in row))
        if not table.rows:
            shown.add_row(*(["keine"] + [""] * (len(table.columns) - 1)))
        console.print(shown)
        console.print()
