"""German search normalisation, shared by the build (index side) and the Datasette plugin (query side).

Both sides must fold text identically, so everything lives here:
- ``fold``: lowercase, ß→ss, ae/oe/ue→a/o/u and ä/ö/ü→a/o/u, other diacritics removed.
  "Gefluechtete", "Geflüchtete" and "gefluchtete" all become "gefluchtete".
- ``stem_text``: one German Snowball stem per token (PyStemmer), then folded ("Förderung" and "Forderung" → "forder").
- ``match_query``/``trigram_query``: FTS5 queries for the stemmed index (prefix per stem, so
  "Kooperation" finds "Kooperationsarbeit") and the trigram index (so "kurs" finds "Sprachkurs").
"""
from __future__ import annotations

import functools
import html
import re
import threading
import unicodedata

import Stemmer  # PyStemmer: the Snowball algorithms in C, ~100× faster than pure Python

_TOKEN = re.compile(r"\w+", re.UNICODE)
_UE = re.compile(r"(?<!q)ue")  # "Quelle" keeps its u
_local = threading.local()  # stemmers keep state between calls: one per thread (Datasette runs SQL in threads)


_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))


def fold(text: str) -> str:
    text = _UE.sub("u", text.lower().replace("ß", "ss").replace("ae", "a").replace("oe", "o"))
    return _strip_marks(text)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("german", 0)  # no internal cache: ``stem`` caches
    return stemmer


@functools.lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    return fold(_stemmer().stemWord(token.lower().replace("ß", "ss")))


def stem_text(text: str) -> str:
    return " ".join(stem(t) for t in tokens(text or ""))


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


PREFIX_MIN = 4  # shorter stems match whole words only: "DaZ" must not find "dazu"


def match_query(query: str | None) -> str | None:
    """FTS5 query for the stemmed index: every token must match, each as a stem prefix
    ("Kooperation" finds "Kooperationsarbeit"), short stems as whole words."""
    stems = [stem(t) for t in tokens(query or "")]
    return " AND ".join(_quote(s) + ("*" if len(s) >= PREFIX_MIN else "") for s in stems if s) or None


def trigram_query(query: str | None) -> str | None:
    """FTS5 query for the trigram index over folded text, for compound tails ("kurs" finds "Sprachkurs").
    Tokens shorter than PREFIX_MIN would find too much inside other words ("DaZ" in "dazu")."""
    folded = [fold(t) for t in tokens(query or "")]
    if not folded or any(len(t) < PREFIX_MIN for t in folded):
        return None
    return " AND ".join(_quote(t) for t in folded)


def snippet(text: str | None, query: str | None, width: int = 30) -> str:
    """HTML-escaped excerpt of ``text`` around the query terms, matches wrapped in <mark>.

    A word counts as a match when its stem starts with a query stem or its folded form
    contains a folded query term, the same rules as the search itself.
    """
    text = text or ""
    stems = [stem(t) for t in tokens(query or "")]
    folded = [fold(t) for t in tokens(query or "") if len(t) >= PREFIX_MIN]
    words = list(_TOKEN.finditer(text))

    def is_hit(word: str) -> bool:
        word_stem = stem(word)
        return (any(word_stem.startswith(s) if len(s) >= PREFIX_MIN else word_stem == s for s in stems if s)
                or any(f in fold(word) for f in folded))

    hits = {i for i, m in enumerate(words) if is_hit(m.group())}
    first = min(hits, default=0)
    start_word = max(0, first - width // 3)
    end_word = min(len(words), start_word + width)
    if not words:
        return html.escape(text)
    start = words[start_word].start() if start_word else 0
    end = words[end_word - 1].end() if end_word < len(words) else len(text)
    out = ["…" if start else ""]
    pos = start
    for i in range(start_word, end_word):
        m = words[i]
        if i in hits:
            out.append(html.escape(text[pos:m.start()]))
            out.append(f"<mark>{html.escape(m.group())}</mark>")
            pos = m.end()
    out.append(html.escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)
