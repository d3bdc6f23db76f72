"""Names from an article matched against existing records, with a similarity score (0–100).

People and organisations use the same keys as the near-duplicate check (``kb.duplicates``), so a
name that would be flagged as a duplicate after import is matched instead. Municipalities are
found by their full name, word by word after folding, the longest name winning where names overlap
("Landkreis Kassel" is not "Kassel"); "Landkreis/Kreis/Stadt/Gemeinde X" with an unknown X is
proposed as a new municipality.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kb.duplicates import NAME_THRESHOLD, name_key, name_similarity, organization_key
from kb.load import Record
from kb.text import fold, tokens

SUGGEST_FROM = 60  # below this, no existing record is worth naming as "the most similar"
_PLACE = re.compile(r"\b(?P<kind>Landkreis|Kreis|Stadt|Gemeinde)\s+(?P<name>[A-ZÄÖÜ][\wäöüß-]+"
                    r"(?:\s+(?:am|an der|in der|im)\s+[A-ZÄÖÜ][\wäöüß-]+)?)")
_WORD = re.compile(r"\w+")
_PLACE_KINDS = {"Landkreis": "landkreis", "Kreis": "landkreis"}


@dataclass(frozen=True)
class Match:
    id: str | None        # the matched record, or None when a new record is proposed
    score: float          # similarity to the best existing record
    closest: str | None   # id of the most similar existing record (also when not matched)


def best(query_key: str, records: list[Record], field: str, key, scorer, threshold: float = NAME_THRESHOLD) -> Match:
    """The existing record whose ``field`` is most similar to ``query_key``."""
    choices = {r.id: key(r.data[field]) for r in records if r.id and isinstance(r.data.get(field), str)}
    if not choices or not query_key:
        return Match(None, 0.0, None)
    _, score, record_id = process.extractOne(query_key, choices, scorer=scorer)
    closest = record_id if score >= SUGGEST_FROM else None
    return Match(record_id if score >= threshold else None, score, closest)


def person(name: str, records: dict[str, list[Record]]) -> Match:
    return best(name_key(name), records["person"], "name", name_key,
                lambda a, b, **_: name_similarity(a, b, fuzz.token_sort_ratio))


def organization(name: str, records: dict[str, list[Record]]) -> Match:
    return best(organization_key(name), records["organization"], "name", organization_key,
                lambda a, b, **_: name_similarity(a, b))


@dataclass(frozen=True)
class Place:
    name: str             # as written in the article
    match: Match
    kind: str | None      # municipality kind for a proposal ("Landkreis X" → landkreis)
    offset: int


def places(text: str, records: dict[str, list[Record]]) -> list[Place]:
    """Municipalities named in ``text``, in order of first mention, each once."""
    words = [(m.start(), fold(m.group())) for m in _WORD.finditer(text)]
    folded = [w for _, w in words]
    municipalities = [r for r in records["municipality"] if r.id and isinstance(r.data.get("name"), str)]
    hits: list[tuple[int, int, Record]] = []  # (first word, number of words, record)
    for r in municipalities:
        name = [fold(t) for t in tokens(r.data["name"])]
        for i in range(len(folded) - len(name) + 1):
            if folded[i:i + len(name)] == name:
                hits.append((i, len(name), r))
    hits.sort(key=lambda h: (h[0], -h[1]))
    # "Landkreis Kassel" names the district, not the city Kassel
    district_words = {m.start("name") for m in _PLACE.finditer(text) if m.group("kind") != "Stadt"}
    hits = [h for h in hits if words[h[0]][0] not in district_words]
    found: dict[str, Place] = {}
    covered_until = -1
    for first, length, r in hits:
        if first < covered_until:
            continue  # inside a longer name found at an earlier or the same position
        covered_until = first + length
        found.setdefault(r.id, Place(r.data["name"], Match(r.id, 100.0, r.id), None, words[first][0]))
    for m in _PLACE.finditer(text):
        kind, name = m.group("kind"), m.group("name")
        written = name if kind == "Stadt" else f"{kind} {name}"
        match = best(fold(written), municipalities, "name", fold, fuzz.ratio)
        if match.id is None and not any(p.name == written for p in found.values()):
            found[f"neu:{written}"] = Place(written, match, _PLACE_KINDS.get(kind), m.start())
    return sorted(found.values(), key=lambda p: p.offset)
