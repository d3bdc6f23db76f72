"""The German search engine (kb.search) on the built bundled data: grouping, correction, filters, quality."""
import sqlite3
from pathlib import Path

import pytest
import yaml

from kb import search

QUALITY_FILE = Path(__file__).parent / "search_quality.yaml"
MIN_HIT_RATE = 0.9


@pytest.fixture(scope="module")
def conn(site_db):
    connection = sqlite3.connect(site_db)
    search.register_functions(connection)
    yield connection
    connection.close()


def test_hits_are_grouped_by_kind_in_page_order_and_ranked(conn):
    result = search.search(conn, "Vertrauen")
    assert list(result.groups) == [k for k in ("case", "quote", "factor", "event", "municipality", "organization",
                                               "person", "source", "field", "series") if k in result.groups]
    assert result.groups["factor"][0].record_id == "vertrauen"
    assert all(len(hits) <= 5 for hits in result.groups.values())
    for kind, hits in result.groups.items():
        assert [h.score for h in hits] == sorted(h.score for h in hits)
        assert result.totals[kind] >= len(hits)
    assert any("<mark>Vertrauen</mark>" in h.excerpt for h in result.groups["quote"])


def test_totals_count_every_hit_not_only_the_ones_shown(conn):
    everything = search.search(conn, "Bildung", limit=1000)
    shown = search.search(conn, "Bildung", limit=2)
    assert shown.totals == {kind: len(hits) for kind, hits in everything.groups.items()}
    assert all(len(hits) <= 2 for hits in shown.groups.values())


def test_one_kind_only(conn):
    result = search.search(conn, "Offenbach", kind="case", limit=100)
    assert list(result.groups) == ["case"]
    expected = {r[0] for r in conn.execute("select id from cases where title like '%Offenbach%' or summary like "
                                           "'%Offenbach%'")}
    assert expected <= {h.record_id for h in result.groups["case"]}


def test_a_typo_is_corrected_to_the_nearest_indexed_word(conn):
    result = search.search(conn, "Elternarbiet")
    assert result.suggestion == "Elternarbeit"
    assert result.query == "Elternarbiet" and result.searched == "Elternarbeit" and result.corrected
    assert "offenbach-elternarbeit" in [h.record_id for h in result.groups["case"]]


def test_only_the_word_without_hits_is_corrected(conn):
    assert search.correct(conn, "Offenbach Elternarbiet") == "Offenbach Elternarbeit"
    assert search.correct(conn, "Offenbach") is None


def test_nonsense_finds_nothing_and_suggests_nothing(conn):
    result = search.search(conn, "Qxzyqxzy")
    assert result.total == 0 and result.suggestion is None


def test_empty_and_punctuation_only_queries_find_nothing(conn):
    for query in ("", "   ", '"*:()', "-"):
        assert search.search(conn, query).total == 0


def test_record_filter_is_the_same_search_as_the_search_page(conn):
    for query in ("Sprachkurs", "Elternarbeit", "Gefluechtete", "Kooperation"):
        where, params = search.record_filter(query, "case")
        filtered = {r[0] for r in conn.execute(f"select id from cases where {where}", params)}
        assert filtered == {h.record_id for h in search.search(conn, query, kind="case", limit=10_000)
                            .groups.get("case", [])}, query
        assert filtered, query


def test_search_words_keep_the_spelling_readers_know(conn):
    assert conn.execute("select word from search_words where stem = 'elternarbeit'").fetchone() == ("Elternarbeit",)


def test_search_quality_hit_rate(conn):
    """Every expected record among the first 5 hits of its kind, for at least 90 % of the expectations."""
    cases = yaml.safe_load(QUALITY_FILE.read_text(encoding="utf-8"))
    assert len(cases) >= 30
    misses, total = [], 0
    for case in cases:
        result = search.search(conn, case["query"], limit=5)
        for expected in case["expect"]:
            kind, record_id = expected.split(":", 1)
            total += 1
            if record_id not in [h.record_id for h in result.groups.get(kind, [])]:
                misses.append(f"{case['query']!r} → {expected}")
    rate = 1 - len(misses) / total
    print(f"\nSuchqualität: {total - len(misses)} von {total} erwarteten Treffern unter den ersten 5 ({rate:.1%})")
    for miss in misses:
        print("  verfehlt:", miss)
    assert rate >= MIN_HIT_RATE, misses
