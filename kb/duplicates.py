"""Near-duplicate records, reported as warnings: the same thing entered twice under two ids.

Texts are compared after the search's folding (``kb.text.fold``: case, umlauts, ß, accents),
with punctuation and academic titles dropped, using rapidfuzz's normalised Indel similarity
(0–100). Thresholds were chosen on the bundled data (see docs/curating.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from kb.load import Record
from kb.problems import WARNING, Problem, display_path
from kb.text import fold, tokens

CASE_TITLE_THRESHOLD = 85
NAME_THRESHOLD = 90
WORD_THRESHOLD = 90    # a word of one name "has a partner" in the other name from this similarity on
QUOTE_THRESHOLD = 90

_NAME_NOISE = {"dr", "prof", "dipl", "ing", "med", "phil", "rer", "nat", "h", "c"}
_ORGANIZATION_NOISE = {"e", "v", "ev", "gmbh", "ggmbh", "mbh", "eg", "ag", "gug"}


def name_key(name: str) -> str:
    """'Dr. Klaus-Peter Müller' → 'klaus peter muller'."""
    return " ".join(t for t in tokens(fold(name)) if t not in _NAME_NOISE)


def organization_key(name: str) -> str:
    """'Verein Brücke e.V.' → 'verein brucke'."""
    return " ".join(t for t in tokens(fold(name)) if t not in _ORGANIZATION_NOISE)


def text_key(text: str) -> str:
    """A quotation without punctuation, ellipses and case: 'Wir […] schaffen das!' → 'wir schaffen das'."""
    return " ".join(tokens(fold(text)))


def url_key(url: str) -> str:
    """The same page: scheme, 'www.', a trailing slash and the fragment do not matter."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def name_similarity(a: str, b: str, scorer: Callable[[str, str], float] = fuzz.ratio) -> float:
    """Similarity of two name keys, or 0 when a word of the shorter name has no similar word in
    the other: 'transferagentur … hessen' and 'transferagentur … nrw' differ in what matters."""
    shorter, longer = sorted((a.split(), b.split()), key=len)
    if not all(any(fuzz.ratio(word, other) >= WORD_THRESHOLD for other in longer) for word in shorter):
        return 0.0
    return scorer(a, b)


@dataclass(frozen=True)
class Pair:
    """Two records that look like the same thing; ``later`` is the one the warning points at."""

    first: Record
    later: Record
    field: str
    score: float
    what: str      # German: what is similar
    advice: str    # German: what the curator can do


def _pairs(records: list[Record], field: str, key: Callable[[str], str], threshold: float,
           scorer: Callable[[str, str], float], what: str, advice: str,
           same_group: Callable[[Record, Record], bool] = lambda a, b: True) -> Iterator[Pair]:
    keyed = [(r, key(r.data[field])) for r in records if isinstance(r.data.get(field), str) and r.id]
    for (a, key_a), (b, key_b) in combinations(keyed, 2):
        if not key_a or not key_b or not same_group(a, b):
            continue
        score = scorer(key_a, key_b)
        if score >= threshold:
            yield Pair(a, b, field, score, what, advice)


def _variant_groups(quotes: list[Record]) -> dict[str, int]:
    """Quote id → number of its group of declared variants (``variant_of``, in either direction)."""
    parent = {q.id: q.id for q in quotes if q.id}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in quotes:
        for other in q.data.get("variant_of") or []:
            if q.id in parent and isinstance(other, str) and other in parent:
                parent[find(q.id)] = find(other)
    roots: dict[str, int] = {}
    return {qid: roots.setdefault(find(qid), len(roots)) for qid in parent}


def find_pairs(records: dict[str, list[Record]]) -> list[Pair]:
    """Every likely duplicate among cases, quotes, people, organisations and sources."""
    pairs: list[Pair] = []
    pairs += _pairs(records["case"], "title", fold, CASE_TITLE_THRESHOLD, fuzz.token_sort_ratio,
                    "ähnlicher Titel in derselben Kommune wie", "zusammenführen, wenn es dasselbe Beispiel ist",
                    lambda a, b: a.data.get("municipality") == b.data.get("municipality"))
    variants = _variant_groups(records["quote"])
    pairs += _pairs(records["quote"], "text", text_key, QUOTE_THRESHOLD, fuzz.ratio,
                    "fast gleicher Wortlaut wie", "als Variante markieren (variant_of, in beiden Zitaten) "
                    "oder die doppelte Fassung löschen",
                    lambda a, b: variants.get(a.id) != variants.get(b.id))
    pairs += _pairs(records["person"], "name", name_key, NAME_THRESHOLD,
                    lambda a, b: name_similarity(a, b, fuzz.token_sort_ratio),
                    "ähnlicher Name wie", "zusammenführen, wenn es dieselbe Person ist")
    pairs += _pairs(records["organization"], "name", organization_key, NAME_THRESHOLD, name_similarity,
                    "ähnlicher Name wie", "zusammenführen, wenn es dieselbe Organisation ist")
    pairs += _pairs(records["source"], "url", url_key, 100, lambda a, b: 100.0 if a == b else 0.0,
                    "dieselbe Adresse wie", "eine der beiden Quellen löschen und ihre Verweise umstellen")
    return pairs


def _warning(pair: Pair) -> Problem:
    first = pair.first
    line = first.where((pair.field,))[0]
    shown = first.data[pair.field]
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    message = (f"{pair.what} '{shown}' ({first.id}, {display_path(first.file)}:{line}); "
               f"Ähnlichkeit {pair.score:.0f} %")
    return pair.later.problem((pair.field,), message, pair.advice, severity=WARNING)


def near_duplicates(records: dict[str, list[Record]]) -> list[Problem]:
    """Warnings for ``kb validate`` and ``kb report``."""
    return sorted(_warning(p) for p in find_pairs(records))


def score_pairs(pairs: Iterable[Pair]) -> list[tuple[str, str, str, float]]:
    """(kind, first id, later id, score) of each pair, for reports and tests."""
    return [(p.first.kind.name, p.first.id, p.later.id, round(p.score, 1)) for p in pairs]
