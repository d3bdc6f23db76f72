"""The published site through Datasette's own client, on the bundled data."""
import html
import re

import pytest


async def get_json(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


async def test_index_answers_in_german(ds):
    response = await ds.client.get("/")
    assert response.status_code == 200
    assert "Kooperationswissen" in response.text
    assert "offene Wissensbasis gelingender kommunaler Kooperation" in response.text
    assert '<form class="kb-big-search" action="/suche" method="get" role="search">' in response.text


async def test_whole_database_download(ds):
    response = await ds.client.get("/kb.db")
    assert response.status_code == 200
    assert response.content.startswith(b"SQLite format 3")


async def test_table_search_vertrauen_finds_knueppel_quote(ds):
    data = await get_json(ds, "/kb/quotes.json?_search=Vertrauen&_shape=objects")
    speakers = {row["speaker_id"] for row in data["rows"]}
    assert "christine-knueppel" in speakers
    texts = [row["text"] for row in data["rows"]]
    assert any(text.startswith("Kooperationsarbeit […] ist Beziehungsarbeit.") for text in texts)


async def test_suche_query_finds_knueppel_quote_with_snippet(ds):
    data = await get_json(ds, "/kb/suche.json?q=Vertrauen&_shape=objects")
    knueppel = [row for row in data["rows"] if row["titel"] == "Christine Knüppel"]
    assert any("großes <mark>Vertrauen</mark>" in row["ausschnitt"] for row in knueppel)
    assert all(row["link"].startswith("/kb/") for row in data["rows"])


@pytest.mark.parametrize("query, expected_mark", [
    ("Kooperation", "<mark>Kooperationsarbeit</mark>"),  # stem prefix: compound head
    ("Forderung", "<mark>Förderprogramme</mark>"),  # umlaut folded
    ("Zielsetzungen", "<mark>Zielsetzung</mark>"),  # inflection stemmed
    ("programme", "<mark>Förderprogramme</mark>"),  # trigram: compound tail
])
async def test_suche_understands_german(ds, query, expected_mark):
    data = await get_json(ds, f"/kb/suche.json?q={query}&_shape=objects")
    assert any(expected_mark in row["ausschnitt"] for row in data["rows"])


async def test_suche_html_renders_marks_but_escapes_everything_else(ds):
    response = await ds.client.get("/kb/suche?q=Vertrauen")
    assert response.status_code == 200
    assert "<mark>Vertrauen</mark>" in response.text
    hostile = await ds.client.get("/kb?sql=select+'<script>x</script><mark>a</mark>'+as+ausschnitt")
    assert "<script>x</script>" not in hostile.text
    assert "&lt;script&gt;x&lt;/script&gt;<mark>a</mark>" in hostile.text


async def test_case_row_page_links_its_factors_with_evidence_and_sources(ds):
    db = ds.get_database("kb")
    for case_id, in (await db.execute("select id from cases")).rows:
        codings = (await db.execute(
            "select cf.factor_id, f.label, cf.evidence, s.url from case_factors cf join factors f on f.id = cf.factor_id "
            "join sources s on s.id = cf.source_id where cf.case_id = ?", [case_id])).rows
        sources = (await db.execute("select s.url from case_sources cs join sources s on s.id = cs.source_id "
                                    "where cs.case_id = ?", [case_id])).rows
        response = await ds.client.get(f"/kb/cases/{case_id}")
        assert response.status_code == 200
        page = response.text
        assert codings, case_id
        for factor_id, label, evidence, url in codings:
            assert f'<a href="/kb/factors/{factor_id}">{html.escape(label)}</a>' in page, (case_id, factor_id)
            assert html.escape(evidence) in page
            assert f'href="{html.escape(url)}"' in page
        for (url,) in sources:
            assert f'href="{html.escape(url)}"' in page
        assert "Zitiervorschlag" in page


async def test_table_and_column_descriptions_are_german(ds):
    response = await ds.client.get("/kb/cases")
    assert "Praxisbeispiele" in response.text
    data = await get_json(ds, "/-/metadata.json")
    columns = data["databases"]["kb"]["tables"]["cases"]["columns"]
    assert columns["summary"].startswith("Zusammenfassung:")


async def test_case_overview_exports_as_csv_that_parses(ds):
    import csv
    import io

    response = await ds.client.get("/kb/case_overview.csv?_stream=on")
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.text)))
    count = (await ds.get_database("kb").execute("select count(*) from cases")).rows[0][0]
    assert len(table) == count
    assert set(table[0]) == {"id", "title", "municipality", "ags", "state", "municipality_kind", "start_year",
                             "presented_year", "period_start", "period_start_precision", "period_end",
                             "period_end_precision", "status", "status_as_of", "status_as_of_precision",
                             "bmbf_programme", "fields", "factors", "partner_count", "source_urls"}
    assert all(row["ags"][0] == "0" for row in table if row["state"] == "Bayern")  # AGS is text: 09…
    assert all(row["factors"] and row["source_urls"].startswith("http") for row in table)


@pytest.mark.parametrize("path, german", [
    ("/kb/case_overview", ["Einträge", "Anwenden", "Diese Daten als", "Datenlizenz"]),
    ("/kb/suche?q=Vertrauen", ["Abfrageparameter", "SQL ausführen"]),
    ("/kb/case_factors/offenbach-elternarbeit,0", ["Diese Daten als"]),
    ("/kb", ["Tabellen", "Abfragen"]),
])
async def test_page_chrome_is_german(ds, path, german):
    response = await ds.client.get(path)
    assert response.status_code == 200
    visible = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", response.text, flags=re.S)
    for word in german:
        assert word in visible or f'value="{word}"' in response.text, word
    for english in ("Apply", "Powered by", "This data as", "Custom SQL query", "Links from other tables"):
        assert english not in visible and f'value="{english}"' not in response.text, english


async def test_the_menu_does_not_link_the_english_dashboard_pages(ds):
    response = await ds.client.get("/kb")
    assert 'href="/-/dashboards"' not in response.text
