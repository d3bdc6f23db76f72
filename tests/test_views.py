"""The analysts' views: rows against known content (a small data set written here) and, on the real data,
against the base tables they summarise."""
import re
import sqlite3
from itertools import combinations
from pathlib import Path

import pytest

from kb.build import build_database
from kb.columns import PRECISION_SUFFIX
from kb.model import KINDS
from kb.tables import tables
from kb.views import views

ROOT = Path(__file__).resolve().parent.parent

EXTRA_CASES = {
    "kassel-zwei.yaml": """\
id: kassel-zwei
title: Zweites Beispiel in Kassel
municipality: kassel
fields: [uebergang]
summary: Ein zweites Beispiel.
period_start: 2016-05-01
partners:
  - {label: Jugendamt, actor_type: verein, role: Partner}
factors:
  - {factor: empathie, evidence: Empathie im Alltag, verbatim: false, source: doc}
  - {factor: vertrauen, evidence: „Vertrauen wächst“, verbatim: true, source: doc}
sources: [doc]
""",
    "wuerzburg-netz.yaml": """\
id: wuerzburg-netz
title: Netz im Landkreis Würzburg
municipality: landkreis-wuerzburg
fields: [uebergang]
summary: Ein Beispiel in Bayern.
period_start: 2019-03
partners:
  - {organization: schlachthof, actor_type: verein}
  - {label: Jugendamt, actor_type: verein}
factors:
  - {factor: vertrauen, evidence: Vertrauen unter den Trägern, verbatim: false, source: news}
sources: [news]
""",
}
EXTRA_LIST_ITEMS = {
    "vocabularies/municipality_kinds.yaml": "- {id: landkreis, label: Landkreis}\n",
    "municipalities.yaml": "- id: landkreis-wuerzburg\n  name: Landkreis Würzburg\n  kind: landkreis\n  state: bayern\n"
                           "  ags: \"09679\"\n  sources: [news]\n",
    "quotes/doc.yaml": "- id: knueppel-bericht\n  text: Kooperation brauche großes Vertrauen.\n  speech: indirect\n"
                       "  speaker: christine-knueppel\n  source: doc\n  factors: [empathie]\n  variant_of: [knueppel]\n",
}


@pytest.fixture(scope="module")
def analyst_db(tmp_path_factory) -> Path:
    """The fixture data plus two cases, a Landkreis in Bayern and an indirect variant of a quote."""
    import shutil

    data = tmp_path_factory.mktemp("analyst") / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "data", data)
    for name, text in EXTRA_CASES.items():
        (data / "cases" / name).write_text(text, encoding="utf-8")
    for name, text in EXTRA_LIST_ITEMS.items():
        with open(data / name, "a", encoding="utf-8") as handle:
            handle.write(text)
    db_path = data.parent / "kb.db"
    build_database(data, db_path)
    return db_path


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------------------- known content


def test_matrix_has_a_column_per_factor_in_codebook_order(analyst_db):
    conn = sqlite3.connect(analyst_db)
    cursor = conn.execute("select * from case_factor_matrix")
    assert [d[0] for d in cursor.description] == ["case_id", "case_title", "empathie", "vertrauen"]
    assert [(r[0], *r[2:]) for r in cursor.fetchall()] == [
        ("kassel-beispiel", 1, 1), ("kassel-zwei", 1, 1), ("wuerzburg-netz", 0, 1)]


def test_a_new_factor_adds_a_matrix_column(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "data", data)
    with open(data / "vocabularies" / "factors.yaml", "a", encoding="utf-8") as handle:
        handle.write("- id: klare-ziele\n  label: Klare, machbare Ziele\n  label_en: clear goals\n  group: beziehung\n"
                     "  definition: Ziele sind klar.\n  coverage_note: Noch kein Beleg.\n")
    build_database(data, tmp_path / "kb.db")
    assert rows(tmp_path / "kb.db", "select case_id, klare_ziele, vertrauen from case_factor_matrix") == [
        ("kassel-beispiel", 0, 1)]  # 0 = not reported: the column exists before any case codes the factor


def test_long_format_has_every_case_and_factor_with_coded_1_or_0(analyst_db):
    assert rows(analyst_db, "select case_id, factor_id, factor, factor_group, coded from case_factors_long") == [
        ("kassel-beispiel", "empathie", "Empathie", "Beziehung & Haltung", 1),
        ("kassel-beispiel", "vertrauen", "Vertrauen", "Beziehung & Haltung", 1),
        ("kassel-zwei", "empathie", "Empathie", "Beziehung & Haltung", 1),
        ("kassel-zwei", "vertrauen", "Vertrauen", "Beziehung & Haltung", 1),
        ("wuerzburg-netz", "empathie", "Empathie", "Beziehung & Haltung", 0),
        ("wuerzburg-netz", "vertrauen", "Vertrauen", "Beziehung & Haltung", 1)]


def test_cooccurrence_counts_jaccard_and_shared_cases(analyst_db):
    assert rows(analyst_db, "select * from factor_cooccurrence") == [
        ("empathie", "Empathie", "vertrauen", "Vertrauen", 2, 2, 3, 0.6667, "kassel-beispiel; kassel-zwei")]


def test_factors_by_state_and_by_municipality_kind_count_distinct_cases(analyst_db):
    assert rows(analyst_db, "select state, factor_id, cases, cases_total, share from factors_by_state") == [
        ("Bayern", "vertrauen", 1, 1, 1.0),
        ("Hessen", "empathie", 2, 2, 1.0), ("Hessen", "vertrauen", 2, 2, 1.0)]
    assert rows(analyst_db, "select municipality_kind, factor_id, cases, cases_total from "
                            "factors_by_municipality_kind") == [
        ("Kreisfreie Stadt", "empathie", 2, 2), ("Kreisfreie Stadt", "vertrauen", 2, 2),
        ("Landkreis", "vertrauen", 1, 1)]


def test_factor_codings_name_the_kommunentyp(analyst_db):
    assert rows(analyst_db, "select case_id, factor_id, verbatim, source_id, municipality_kind, state "
                            "from factor_codings") == [
        ("kassel-beispiel", "vertrauen", 1, "news", "Kreisfreie Stadt", "Hessen"),
        ("kassel-beispiel", "empathie", 0, "doc", "Kreisfreie Stadt", "Hessen"),
        ("kassel-zwei", "empathie", 0, "doc", "Kreisfreie Stadt", "Hessen"),
        ("kassel-zwei", "vertrauen", 1, "doc", "Kreisfreie Stadt", "Hessen"),
        ("wuerzburg-netz", "vertrauen", 0, "news", "Landkreis", "Bayern")]


def test_quote_statements_fold_variants_and_keep_direct_and_indirect_visible(analyst_db):
    assert rows(analyst_db, "select statement_id, speech, speaker, variants, quote_ids, factors, case_ids "
                            "from quote_statements") == [
        ("alle", "direct", "alle Teilnehmenden", 1, "alle", "Empathie; Vertrauen", None),
        ("bericht", "indirect", "eine Teilnehmerin", 1, "bericht", "Vertrauen", None),
        ("knueppel", "direct; indirect", "Christine Knüppel", 2, "knueppel; knueppel-bericht",
         "Empathie; Vertrauen", "kassel-beispiel")]
    # the quote overview keeps one row per version, with its own speech
    assert rows(analyst_db, "select id, speech from quote_overview where id like 'knueppel%'") == [
        ("knueppel", "direct"), ("knueppel-bericht", "indirect")]


def test_municipality_profile(analyst_db):
    assert rows(analyst_db, "select municipality_id, municipality_kind, state, ags, cases, first_start_year, factors, "
                            "organizations, events, quotes from municipality_profile") == [
        ("kassel", "Kreisfreie Stadt", "Hessen", None, 2, 2016, "Empathie; Vertrauen", 1, 1, 1),
        ("landkreis-wuerzburg", "Landkreis", "Bayern", "09679", 1, 2019, "Vertrauen", 0, 0, 0)]


def test_partner_edges_for_network_analysis(analyst_db):
    assert rows(analyst_db, "select case_id, municipality_id, partner_key, organization_id, partner, actor_type, "
                            "role from partner_edges") == [
        ("kassel-beispiel", "kassel", "schlachthof", "schlachthof", "Kulturzentrum Schlachthof e.V.", "Verein",
         "Gastgeber"),
        ("kassel-beispiel", "kassel", "kassel-beispiel#1", None, "Kammern", "Kammer", None),
        ("kassel-zwei", "kassel", "kassel-zwei#0", None, "Jugendamt", "Verein", "Partner"),
        ("wuerzburg-netz", "landkreis-wuerzburg", "schlachthof", "schlachthof", "Kulturzentrum Schlachthof e.V.",
         "Verein", None),
        ("wuerzburg-netz", "landkreis-wuerzburg", "wuerzburg-netz#1", None, "Jugendamt", "Verein", None)]


def test_every_partial_date_has_its_precision(analyst_db):
    assert rows(analyst_db, "select id, period_start, period_start_precision from cases order by id") == [
        ("kassel-beispiel", "2017", "Jahr"), ("kassel-zwei", "2016-05-01", "Tag"), ("wuerzburg-netz", "2019-03", "Monat")]
    assert rows(analyst_db, "select id, date, date_precision from sources order by id") == [
        ("doc", "2018-06", "Monat"), ("news", "2018-06-12", "Tag")]
    partial = [(kind.table, f.name) for kind in KINDS.values() for f in kind.fields if f.type == "partial_date"]
    for table, column in partial:
        assert column + PRECISION_SUFFIX in [r[1] for r in rows(analyst_db, f"pragma table_info({table})")]


# ---------------------------------------------------------------------------- the real data


def _factors(db: Path) -> list[tuple[str, str]]:
    return rows(db, "select id, label from factors order by coalesce(position, 0), id")


def test_matrix_ones_are_the_distinct_case_factor_pairs(site_db):
    conn = sqlite3.connect(site_db)
    cursor = conn.execute("select * from case_factor_matrix")
    names = [d[0] for d in cursor.description]
    ones = {(row[0], names[i]) for row in cursor.fetchall() for i in range(2, len(names)) if row[i] == 1}
    pairs = {(c, f.replace("-", "_")) for c, f in conn.execute("select distinct case_id, factor_id from case_factors")}
    assert ones == pairs and len(pairs) > 100
    assert conn.execute("select count(*) from case_factor_matrix").fetchone()[0] == \
        conn.execute("select count(*) from cases").fetchone()[0]
    long_ones = set(conn.execute("select case_id, replace(factor_id, '-', '_') from case_factors_long where coded = 1"))
    assert long_ones == pairs


def test_cooccurrence_equals_pairs_counted_in_python(site_db):
    by_case: dict[str, set[str]] = {}
    for case_id, factor_id in rows(site_db, "select case_id, factor_id from case_factors"):
        by_case.setdefault(case_id, set()).add(factor_id)
    per_factor: dict[str, set[str]] = {}
    for case_id, factors in by_case.items():
        for f in factors:
            per_factor.setdefault(f, set()).add(case_id)
    expected = {}
    for a, b in combinations(sorted(per_factor), 2):
        shared = per_factor[a] & per_factor[b]
        if shared:
            union = per_factor[a] | per_factor[b]
            expected[(a, b)] = (len(shared), round(len(shared) / len(union), 4), "; ".join(sorted(shared)))
    found = {(a, b): (n, j, s) for a, b, n, j, s in
             rows(site_db, "select factor_a_id, factor_b_id, cases_both, jaccard, shared_cases from factor_cooccurrence")}
    assert found == expected and len(found) > 20


def test_factors_by_state_equal_distinct_cases_per_state(site_db):
    expected = rows(site_db, """select c.state_id, cf.factor_id, count(distinct c.id) from case_factors cf
                                join cases c on c.id = cf.case_id group by 1, 2 order by 1, 2""")
    assert rows(site_db, "select state_id, factor_id, cases from factors_by_state order by 1, 2") == expected


def test_quote_statements_are_the_connected_variant_groups(site_db):
    groups = {q: {q} for (q,) in rows(site_db, "select id from quotes")}
    for a, b in rows(site_db, "select quote_id, variant_id from quote_variants"):
        merged = groups[a] | groups[b]
        for q in merged:
            groups[q] = merged
    expected = sorted({min(g): "; ".join(sorted(g)) for g in groups.values()}.items())
    assert rows(site_db, "select statement_id, quote_ids from quote_statements") == expected
    assert len(expected) < len(groups)  # the real data has variants


def test_views_match_their_declared_columns_and_types(site_db):
    """Declared Frictionless types hold for every value (a string column holds text, an integer one integers …)."""
    sqlite_types = {"string": {"text"}, "integer": {"integer"}, "number": {"real", "integer"}, "boolean": {"integer"},
                    "date": {"text"}, "array": {"text"}, "object": {"text"}}
    for item in [*tables(), *views(_factors(site_db))]:
        columns = [r[1] for r in rows(site_db, f"pragma table_info([{item.name}])")]
        assert columns == [c.name for c in item.columns], item.name
        for c in item.columns:
            found = {t for (t,) in rows(site_db, f"select distinct typeof([{c.name}]) from [{item.name}]")} - {"null"}
            assert found <= sqlite_types[c.type], (item.name, c.name, found)
            if c.required:
                assert not rows(site_db, f"select 1 from [{item.name}] where [{c.name}] is null"), (item.name, c.name)


def test_views_have_no_always_empty_column(site_db):
    for view in views(_factors(site_db)):
        for c in view.columns:
            assert rows(site_db, f"select count(*) from [{view.name}] where [{c.name}] is not null")[0][0], \
                (view.name, c.name)


def test_no_view_says_year_or_absent(site_db):
    for view in views(_factors(site_db)):
        assert not re.search(r"\byear\b", view.sql), view.name
        text = " ".join([view.description, *(c.text for c in view.columns)])
        assert "abwesend" not in text and "nicht vorhanden" not in text, view.name


# ---------------------------------------------------------------------------- README


def readme_queries() -> dict[str, str]:
    """The README's SQL examples by their first comment line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {q.splitlines()[0].removeprefix("-- "): q for q in re.findall(r"```sql\n(.*?)```", readme, re.S)}


@pytest.mark.parametrize("title", readme_queries())
def test_readme_sql_examples_run_and_return_rows(site_db, title):
    assert rows(site_db, readme_queries()[title]), title


def test_readme_cooccurrence_query_gives_the_view(site_db):
    query = next(q for title, q in readme_queries().items() if title.startswith("Kookkurrenz"))
    assert rows(site_db, query) == rows(site_db, "select factor_a_id, factor_b_id, cases_both, jaccard "
                                                 "from factor_cooccurrence")


def test_readme_matrix_query_gives_one_row_per_case_and_a_column_per_factor(site_db):
    conn = sqlite3.connect(site_db)
    cursor = conn.execute(readme_queries()["QCA-Matrix"])
    names = [d[0] for d in cursor.description]
    assert names[2:] == [f.replace("-", "_") for f, _ in _factors(site_db)]
    ones = {(row[0], names[i]) for row in cursor.fetchall() for i in range(2, len(names)) if row[i]}
    assert ones == {(c, f.replace("-", "_")) for c, f in conn.execute("select case_id, factor_id from case_factors")}
