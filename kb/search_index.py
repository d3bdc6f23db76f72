"""The build side of the German search: one index over every kind of record a coordinator looks for.

``search_documents`` holds one row per record (kind, id, title, body); two FTS5 tables index it:
``search_stems`` (Snowball stems, folded, plus synonyms and a factor's source terms) and
``search_trigrams`` (folded text, for compound tails such as "kurs" in "Sprachkurs").
``search_words`` maps every indexed stem to its most frequent spelling, so that a query that finds
nothing can be corrected to the nearest indexed word ("Elternarbiet" → "Elternarbeit").
The query side lives in ``kb.search``.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Callable, Iterable, Iterator

import sqlite_utils

from kb import text
from kb.load import Record
from kb.model import KINDS

FTS_TOKENIZE = "unicode61 remove_diacritics 2"

# kind → (singular, plural) in the order the search page groups its results
SEARCH_KINDS: dict[str, tuple[str, str]] = {
    "case": ("Praxisbeispiel", "Praxisbeispiele"),
    "quote": ("Zitat", "Zitate und Aussagen"),
    "factor": ("Erfolgsfaktor", "Erfolgsfaktoren"),
    "event": ("Veranstaltung", "Veranstaltungen"),
    "municipality": ("Kommune", "Kommunen"),
    "organization": ("Organisation", "Organisationen"),
    "person": ("Person", "Personen"),
    "source": ("Quelle", "Quellen"),
    "field": ("Handlungsfeld", "Handlungsfelder"),
    "series": ("Veranstaltungsreihe", "Veranstaltungsreihen"),
}
INDIRECT_SPEECH_LABEL = "Aussage laut Bericht"  # reported speech is never called a quotation
_DOCUMENT_COLUMNS = ("kind", "kind_label", "table_name", "record_id", "title", "body")

Labels = Callable[[str, Any], "str | None"]


def _join(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p)


def _case(d: dict, labels: Labels) -> tuple[str, str, str]:
    partners = (p.get("label") or labels("organization", p.get("organization")) for p in d.get("partners") or [])
    body = "\n\n".join(filter(None, (d.get(f) for f in ("summary", "goals", "approach", "results", "lessons"))))
    return d["title"], body, _join(
        labels("municipality", d["municipality"]), *(labels("field", f) for f in d.get("fields") or []),
        *(labels("factor", c.get("factor")) for c in d.get("factors") or []), *partners)


def _quote(d: dict, labels: Labels) -> tuple[str, str, str]:
    speaker = labels("person", d.get("speaker")) or d.get("unattributed") or ""
    return speaker, d["text"], _join(d.get("role_as_stated"), *(labels("factor", f) for f in d.get("factors") or []))


def _factor(d: dict, labels: Labels) -> tuple[str, str, str]:
    return d["label"], d["definition"], _join(d.get("label_en"), *(d.get("alt_labels") or []))


def _event(d: dict, labels: Labels) -> tuple[str, str, str]:
    return d["title"], d.get("topic") or "", _join(d.get("place"), labels("municipality", d.get("municipality")),
                                                    d.get("venue"))


def _municipality(d: dict, labels: Labels) -> tuple[str, str, str]:
    return d["name"], "", _join(labels("municipality_kind", d.get("kind")), labels("state", d.get("state")))


def _organization(d: dict, labels: Labels) -> tuple[str, str, str]:
    return d["name"], "", _join(labels("actor_type", d.get("actor_type")), labels("municipality", d.get("municipality")))


def _person(d: dict, labels: Labels) -> tuple[str, str, str]:
    roles = "; ".join(_join(r.get("role"), labels("organization", r.get("organization"))) for r in d.get("roles") or [])
    return d["name"], roles, ""


def _source(d: dict, labels: Labels) -> tuple[str, str, str]:
    return d["title"], "", _join(d.get("publisher"))


def _described(title_field: str) -> Callable[[dict, Labels], tuple[str, str, str]]:
    return lambda d, labels: (d[title_field], d.get("description") or "", "")


DOCUMENTS: dict[str, Callable[[dict, Labels], tuple[str, str, str]]] = {
    "case": _case, "quote": _quote, "factor": _factor, "event": _event, "municipality": _municipality,
    "organization": _organization, "person": _person, "source": _source, "field": _described("label"),
    "series": _described("title"),
}


def search_documents(records: dict[str, list[Record]], labels: Labels) -> Iterator[dict[str, str]]:
    """One document (title, body, extra terms) per published record of every searchable kind."""
    for kind in SEARCH_KINDS:
        for r in records[kind]:
            title, body, extra = DOCUMENTS[kind](r.data, labels)
            label = INDIRECT_SPEECH_LABEL if r.data.get("speech") == "indirect" else SEARCH_KINDS[kind][0]
            yield {"kind": kind, "kind_label": label, "table_name": KINDS[kind].table,
                   "record_id": r.id, "title": title, "body": body, "extra": extra}


def synonym_groups(records: dict[str, list[Record]]) -> list[tuple[list[str], str]]:
    """(stem sequences of the members, text added to a document that mentions any member).

    Synonym groups expand both ways. A factor's raw terms expand one way, to the factor's
    label: "transparent umgehen" is found by "Transparenz", but a long raw term such as
    "transparente Kooperationskultur" does not make every Transparenz document match "Kooperation".
    """
    groups = []
    for record in records["synonym"]:
        terms = record.data["terms"]
        groups.append(([text.stem_text(t) for t in terms], " ".join(terms)))
    for record in records["factor"]:
        groups.append(([text.stem_text(t) for t in record.data.get("alt_labels") or []], record.data["label"]))
    return groups


def _expand(stems: str, groups: list[tuple[list[str], str]]) -> str:
    padded = f" {stems} "
    return " ".join(expansion for members, expansion in groups
                    if any(m and f" {m} " in padded for m in members))


class _Words:
    """Counts, per stem, the documents it occurs in and its spellings (for "Meinten Sie …?")."""

    def __init__(self) -> None:
        self.spellings: dict[str, Counter[str]] = defaultdict(Counter)
        self.documents: Counter[str] = Counter()

    def add(self, *texts: str) -> None:
        seen = set()
        for token in text.tokens(" ".join(texts)):
            if len(token) < 3 or token.isdigit():
                continue
            stem = text.stem(token)
            self.spellings[stem][token] += 1
            seen.add(stem)
        self.documents.update(seen)

    def rows(self) -> Iterable[tuple[str, str, int]]:
        for stem in sorted(self.spellings):
            # the most frequent spelling; capitalised nouns win ties over lowercase forms
            word = min(self.spellings[stem].items(), key=lambda item: (-item[1], item[0]))[0]
            yield stem, word, self.documents[stem]


def write_search_index(db: sqlite_utils.Database, records: dict[str, list[Record]], labels: Labels) -> None:
    groups = synonym_groups(records)
    db["search_documents"].create({"id": int, **{c: str for c in _DOCUMENT_COLUMNS}},
                                  pk="id", not_null=set(_DOCUMENT_COLUMNS))
    db.execute(f"CREATE VIRTUAL TABLE search_stems USING fts5(title, body, terms, tokenize='{FTS_TOKENIZE}')")
    db.execute("CREATE VIRTUAL TABLE search_trigrams USING fts5(title, body, tokenize='trigram')")
    words = _Words()
    doc_rows, stem_rows, trigram_rows = [], [], []
    for rowid, d in enumerate(search_documents(records, labels), start=1):
        doc_rows.append({"id": rowid, **{k: d[k] for k in _DOCUMENT_COLUMNS}})
        title_stems, body_stems = text.stem_text(d["title"]), text.stem_text(d["body"])
        extra_stems = text.stem_text(d["extra"])
        synonyms = _expand(f"{title_stems} {body_stems} {extra_stems}", groups)
        stem_rows.append((rowid, title_stems, body_stems, f"{extra_stems} {text.stem_text(synonyms)}".strip()))
        trigram_rows.append((rowid, text.fold(d["title"]), text.fold(f"{d['body']} {d['extra']}")))
        words.add(d["title"], d["body"], d["extra"])
    db["search_documents"].insert_all(doc_rows)
    db.conn.executemany("INSERT INTO search_stems(rowid, title, body, terms) VALUES (?, ?, ?, ?)", stem_rows)
    db.conn.executemany("INSERT INTO search_trigrams(rowid, title, body) VALUES (?, ?, ?)", trigram_rows)
    db["search_documents"].create_index(["kind", "record_id"], unique=True)
    db["search_words"].create({"stem": str, "word": str, "documents": int}, pk="stem")
    db["search_words"].insert_all({"stem": s, "word": w, "documents": n} for s, w, n in words.rows())
