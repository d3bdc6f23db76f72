"""The query side of the German search (the index is built by ``kb.search_index``).

One engine serves every place that searches: the search page, the case list's ``?_search=`` (and
every table's), the canned query ``suche`` and the search-quality test. Queries are normalised
exactly like the index (``kb.text``): Snowball stems with a prefix match, umlaut folding, and a
trigram index for compound tails. A query that finds nothing is corrected word by word to the
nearest indexed word ("Elternarbiet" → "Elternarbeit").
"""
from __future__ import annotations

import difflib
import os
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from kb import text
from kb.search_index import BODY_SQL, SEARCH_KINDS


MAX_QUERY_CHARS = 500    # a search query in SQL; longer gives NULL (no hits)
MAX_TEXT_CHARS = 10_000  # a text to stem, fold or excerpt in SQL (the longest indexed text today: under 2,000)


def _query(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= MAX_QUERY_CHARS else None


def _text(value: Any) -> str | None:
    if value is None:
        return ""
    return value if isinstance(value, str) and len(value) <= MAX_TEXT_CHARS else None


def kb_match(query: Any) -> str | None:
    return text.match_query(_query(query))


def kb_trigram(query: Any) -> str | None:
    return text.trigram_query(_query(query))


def kb_snippet(value: Any, query: Any) -> str | None:
    """Excerpt of the first MAX_TEXT_CHARS characters (where search results show their match)."""
    if _query(query) is None or not isinstance(value, (str, type(None))):
        return None
    return text.snippet((value or "")[:MAX_TEXT_CHARS], query)


def kb_fold(value: Any) -> str | None:
    value = _text(value)
    return None if value is None else text.fold(value)


def kb_stem(value: Any) -> str | None:
    value = _text(value)
    return None if value is None else text.stem_text(value)


SQL_FUNCTIONS = {"kb_match": kb_match, "kb_trigram": kb_trigram, "kb_snippet": kb_snippet, "kb_fold": kb_fold,
                 "kb_stem": kb_stem}


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the canned query ``suche`` and analysts use.

    Any visitor's SQL can call them, and Datasette's time limit only interrupts between SQLite steps,
    never inside one Python call: so each bounds its input (wrong types and oversized input give NULL).
    """
    for name, function in SQL_FUNCTIONS.items():
        conn.create_function(name, function.__code__.co_argcount, function, deterministic=True)


def hits_sql(match: str, trigram: str) -> str:
    """CTEs ``hits`` and ``best`` (rowid of search_documents, score: lower is better) for the FTS5
    query expressions ``match`` and ``trigram`` (SQL expressions, e.g. parameters or kb_match(:q))."""
    return f"""hits as (
  select rowid, bm25(search_stems, 10.0, 1.0, 0.5) as score
  from search_stems
  where {match} is not null and search_stems match {match}
  union all
  select rowid, bm25(search_trigrams, 10.0, 1.0) / 2 as score
  from search_trigrams
  where {trigram} is not null and search_trigrams match {trigram}
),
best as (select rowid, min(score) as score from hits group by rowid)"""


_RANKED_SQL = f"""with {hits_sql(":match", ":trigram")},
ranked as (
  select d.id, best.score,
    row_number() over (partition by d.kind order by best.score, d.id) as rank,
    count(*) over (partition by d.kind) as total
  from best join search_documents d on d.id = best.rowid
  where :kind is null or d.kind = :kind
)
select d.kind, d.record_id, d.title, {BODY_SQL}, r.score, r.rank, r.total
from ranked r join search_documents d on d.id = r.id
where r.rank <= :limit order by d.kind, r.rank"""


@dataclass
class Hit:
    kind: str
    record_id: str
    title: str
    excerpt: str  # HTML-escaped, matches in <mark>
    score: float


@dataclass
class SearchResult:
    query: str                      # the query as typed
    searched: str                   # the query that was run (the correction, if there was one)
    groups: dict[str, list[Hit]] = field(default_factory=dict)   # kind → ranked hits, in SEARCH_KINDS order
    totals: dict[str, int] = field(default_factory=dict)         # kind → number of hits
    suggestion: str | None = None   # "Meinten Sie …?" when the query as typed finds nothing

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def corrected(self) -> bool:
        return self.searched != self.query


def _run(conn: sqlite3.Connection, query: str, kind: str | None, limit: int) -> SearchResult:
    result = SearchResult(query, query)
    params = {"match": text.match_query(query), "trigram": text.trigram_query(query), "kind": kind, "limit": limit}
    if params["match"] is None:
        return result
    found: dict[str, list[Hit]] = {}
    for kind_, record_id, title, body, score, _, total in conn.execute(_RANKED_SQL, params):
        found.setdefault(kind_, []).append(Hit(kind_, record_id, title, text.snippet(body or title, query), score))
        result.totals[kind_] = total
    result.groups = {k: found[k] for k in SEARCH_KINDS if k in found}
    return result


_CACHE: OrderedDict[tuple, SearchResult] = OrderedDict()
_CACHE_SIZE = 256
_CACHE_LOCK = threading.Lock()


def file_key(conn: sqlite3.Connection) -> tuple | None:
    """The database file with its modification time and size (any write changes them; kb's databases
    are written once and never in WAL mode), or None for an in-memory database."""
    path = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    return (path, stat.st_mtime_ns, stat.st_size) if stat else None


def search(conn: sqlite3.Connection, query: str, kind: str | None = None, limit: int = 5) -> SearchResult:
    """Ranked hits grouped by kind (at most ``limit`` per kind; only ``kind`` if given).

    When the query finds nothing, each word that matches nothing is replaced by the nearest
    indexed word and the corrected query is run instead; ``suggestion`` then holds it.
    Results are remembered per database file (a rebuilt file is a new file): ranking every hit
    of a broad query costs ~1 s at 100k cases. Treat the result as read-only.
    """
    query = " ".join(text.tokens(query or ""))[:200]
    key = file_key(conn)
    if key is None:
        return _search(conn, query, kind, limit)
    key = (*key, query, kind, limit)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    result = _search(conn, query, kind, limit)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def _search(conn: sqlite3.Connection, query: str, kind: str | None, limit: int) -> SearchResult:
    result = _run(conn, query, kind, limit)
    if result.total or not query:
        return result
    suggestion = correct(conn, query)
    if suggestion is None:
        return result
    corrected = _run(conn, suggestion, kind, limit)
    corrected.query, corrected.suggestion = query, suggestion
    return corrected


def _matches(conn: sqlite3.Connection, word: str) -> bool:
    params = {"match": text.match_query(word), "trigram": text.trigram_query(word)}
    if params["match"] is None:
        return False
    return conn.execute("select exists (select 1 from search_stems where search_stems match :match) or "
                        "(:trigram is not null and exists (select 1 from search_trigrams where search_trigrams "
                        "match :trigram))", params).fetchone()[0] == 1


def correct(conn: sqlite3.Connection, query: str) -> str | None:
    """The query with every word that matches nothing replaced by the closest indexed word,
    or None when no word could be corrected."""
    words, changed = [], False
    for token in text.tokens(query):
        replacement = None if _matches(conn, token) else closest_word(conn, token)
        words.append(replacement or token)
        changed = changed or replacement is not None
    return " ".join(words) if changed else None


def closest_word(conn: sqlite3.Connection, token: str) -> str | None:
    """The indexed word whose stem is closest to the token's stem (same first letter, similar length)."""
    stem = text.stem(token)
    if len(stem) < 3:
        return None
    rows = conn.execute(
        "select stem, word, documents from search_words where stem >= :a and stem < :b "
        "and length(stem) between :short and :long",
        {"a": stem[0], "b": chr(ord(stem[0]) + 1), "short": len(stem) - 2, "long": len(stem) + 2}).fetchall()
    words = {s: (w, n) for s, w, n in rows}
    close = difflib.get_close_matches(stem, list(words), n=3, cutoff=0.75)
    if not close:
        return None
    best = max(close, key=lambda s: (difflib.SequenceMatcher(None, stem, s).ratio(), words[s][1]))
    return words[best][0]


def matching_sql(match: str, trigram: str) -> str:
    """Rowids of search_documents matching the FTS5 query expressions, unranked (no bm25: cheap)."""
    return (f"select rowid from search_stems where {match} is not null and search_stems match {match} "
            f"union select rowid from search_trigrams where {trigram} is not null and search_trigrams match {trigram}")


def record_filter(query: str | None, kind: str) -> tuple[str, dict[str, Any]] | None:
    """A ``where`` clause on the table of ``kind`` keeping the records the German search finds.
    A case's document id is its rowid in ``cases`` (``kb.search_index``), so cases need no join."""
    query = " ".join(text.tokens(query or ""))[:200]
    match, trigram = text.match_query(query), text.trigram_query(query)
    if match is None:
        return None
    found = matching_sql(":kb_match", ":kb_trigram")
    sql = (f"rowid in ({found})" if kind == "case" else
           f"id in (select record_id from search_documents where kind = :kb_kind and id in ({found}))")
    return sql, {"kb_match": match, "kb_trigram": trigram, "kb_kind": kind}
