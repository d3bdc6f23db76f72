"""The coordinators' pages through Datasette's own client, on the bundled data."""
import csv
import html
import io
import json
import re
from urllib.parse import quote

import pytest

from kb.datasette.case_list import FILTERS
from kb.datasette.lists import LISTS
from kb.datasette.pages import RECORD_PAGES

# What a coordinator must never see: SQL, raw column names, Datasette's stock English.
FORBIDDEN = ("CREATE TABLE", "label_en", "group_id", "speaker_id", "_id</", "über Spalte", "Spalte ", "rows where",
             "Apply", "Powered by", "This data as", "Custom SQL", "Links from other tables", "sort ascending",
             "Facet by this", "SQL ausführen", "Eigene SQL-Abfrage")


def visible_text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", page, flags=re.S)))


async def fetch(ds, path: str) -> str:
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.text


async def rows(ds, sql: str, params=None) -> list[tuple]:
    return [tuple(r) for r in (await ds.get_database("kb").execute(sql, params or [])).rows]


def assert_coordinator_page(page: str, path: str) -> None:
    text = visible_text(page)
    for word in FORBIDDEN:
        assert word not in text, (path, word)
    assert "table.js" not in page, path  # Datasette's English column menu is not loaded on coordinator pages
    assert re.search(r"<title>[^<]+ – Kooperationswissen</title>|<title>Kooperationswissen", page), path
    headings = [int(h) for h in re.findall(r"<h([1-6])\b", page)]
    assert headings[0] == 1 and headings.count(1) == 1, (path, headings)
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:])), (path, headings)  # no skipped levels


@pytest.mark.parametrize("table", sorted(RECORD_PAGES))
async def test_every_record_page_is_a_readable_german_page(ds, table):
    for (record_id,) in await rows(ds, f"select id from {table} order by id limit 3"):
        path = f"/kb/{table}/{quote(record_id)}"
        page = await fetch(ds, path)
        assert_coordinator_page(page, path)
        assert "Zitiervorschlag" in page and 'class="kb-citation"' in page


@pytest.mark.parametrize("table", sorted([*LISTS, "cases"]))
async def test_every_list_is_a_readable_german_page(ds, table):
    path = f"/kb/{table}"
    page = await fetch(ds, path)
    assert_coordinator_page(page, path)
    assert "filter-row" not in page and "_filter_column" not in page  # no column/operator filter row
    count = (await rows(ds, f"select count(*) from {table}"))[0][0]
    links = set(re.findall(rf'href="/kb/{table}/([^"?#]+)"', page))
    assert len(links) == min(count, 30 if table == "cases" else count), table


@pytest.mark.parametrize("path", ["/", "/suche", "/suche?q=Vertrauen", "/suche?q=Elternarbiet", "/karte",
                                  "/vergleich?fall=offenbach-elternarbeit&fall=frankfurt-mo"])
async def test_every_own_page_is_a_readable_german_page(ds, path):
    assert_coordinator_page(await fetch(ds, path), path)


# ---------------------------------------------------------------------------- case list


async def test_case_list_facets_count_like_sql(ds):
    data = json.loads(await fetch(ds, "/kb/cases.json?_facet_size=max"))
    facets = data["facet_results"]
    assert [f["timed_out"] for f in facets.values()] == [False] * len(FILTERS)
    assert [f.name for f in FILTERS] == list(facets)
    factor_counts = {v["value"]: v["count"] for v in facets["faktor"]["results"]}
    assert factor_counts == dict(await rows(ds, "select factor_id, count(distinct case_id) from case_factors "
                                                "group by factor_id"))
    states = {v["value"]: v["count"] for v in facets["land"]["results"]}
    assert states == dict(await rows(ds, "select state_id, count(*) from cases group by state_id"))
    partner_types = {v["value"]: v["count"] for v in facets["partnertyp"]["results"]}
    assert partner_types == dict(await rows(ds, "select actor_type_id, count(distinct case_id) from case_partners "
                                                "group by actor_type_id"))


async def test_filters_combine_and_facets_count_within_the_selection(ds):
    data = json.loads(await fetch(ds, "/kb/cases.json?_faktor=transparenz&_land=hessen&_shape=objects&_size=max"))
    expected = {r[0] for r in await rows(ds, "select c.id from cases c where c.state_id = 'hessen' and c.id in "
                                             "(select case_id from case_factors where factor_id = 'transparenz')")}
    assert {r["id"] for r in data["rows"]} == expected and expected
    fields = {v["value"]: v["count"] for v in data["facet_results"]["feld"]["results"]}
    assert fields == dict(await rows(ds, f"select field_id, count(*) from case_fields where case_id in "
                                         f"({','.join('?' * len(expected))}) group by field_id", list(expected)))
    selected = [v for v in data["facet_results"]["faktor"]["results"] if v["selected"]]
    assert [v["value"] for v in selected] == ["transparenz"]


async def test_filter_chips_say_in_words_what_is_filtered_and_each_removes_itself(ds):
    page = await fetch(ds, "/kb/cases?_faktor=transparenz&_land=hessen")
    chips = re.findall(r'<span class="kb-chip">([^<]+)<a href="([^"]+)"', page)
    assert [(label.strip(), html.unescape(url)) for label, url in chips] == [
        ("Erfolgsfaktor: Transparenz", "/kb/cases?_land=hessen"),
        ("Bundesland: Hessen", "/kb/cases?_faktor=transparenz")]
    assert "<title>Praxisbeispiele: Transparenz, Hessen – Kooperationswissen</title>" in page


async def test_case_list_search_is_the_german_search(ds):
    for query in ("Sprachkurs", "Elternarbeit"):
        data = json.loads(await fetch(ds, f"/kb/cases.json?_search={query}&_shape=objects&_size=max"))
        listed = {r["id"] for r in data["rows"]}
        page = await fetch(ds, f"/suche?q={query}&art=case")
        on_search_page = set(re.findall(r'<h3 class="kb-card-title"><a href="/kb/cases/([^"]+)"', page))
        assert listed == on_search_page and listed, query


async def test_case_list_suggests_a_word_when_a_typo_finds_nothing(ds):
    page = await fetch(ds, "/kb/cases?_search=Elternarbiet")
    assert "Meinten Sie" in page and "?_search=Elternarbeit" in page


async def test_excel_download_is_semicolon_separated_utf8_with_bom_and_german_headers(ds):
    response = await ds.client.get("/kb/cases.excel?_land=hessen")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="praxisbeispiele.csv"'
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Praxisbeispiel", "Kommune", "Bundesland"]
    expected = await rows(ds, "select title from cases where state_id = 'hessen' order by title")
    assert [r[0] for r in table[1:]] == [t for (t,) in expected]
    assert all(r[2] == "Hessen" for r in table[1:])
    assert any("; " in r[5] for r in table[1:])  # several factors joined by „; “
    assert any("ü" in cell or "ä" in cell for r in table for cell in r)


# ---------------------------------------------------------------------------- search page


async def test_search_page_groups_cards_and_links_the_filtered_case_list(ds):
    page = await fetch(ds, "/suche?q=Sprachkurs")
    assert "<title>Suche: Sprachkurs – Kooperationswissen</title>" in page
    assert 'href="/kb/cases?_search=Sprachkurs"' in page and "Praxisbeispiele filtern" in page
    assert re.search(r'<section class="kb-section kb-hits" id="case">', page)
    assert "<mark>" in page


async def test_search_page_shows_what_each_kind_of_hit_needs(ds):
    page = await fetch(ds, "/suche?q=Vertrauen")
    text = visible_text(page)
    assert "Christine Knüppel" in text and "Geschäftsführerin" in text  # a quote: speaker and role
    assert "Beziehung & Haltung" in text  # a factor: its group
    case_page = await fetch(ds, "/suche?q=Elternarbeit")
    assert "Offenbach am Main (Hessen)" in visible_text(case_page)  # a case: Kommune and Land


async def test_a_typo_gets_a_suggestion_and_results(ds):
    page = await fetch(ds, "/suche?q=Elternarbiet")
    assert "Meinten Sie" in page and "Elternarbeit" in page
    assert 'href="/kb/cases/offenbach-elternarbeit"' in page


async def test_searching_a_place_leads_directly_to_the_kommune(ds):
    page = await fetch(ds, "/suche?q=Offenbach")
    direct = page.split('class="kb-direct"')[1].split("</section>")[0]
    assert 'href="/kb/municipalities/offenbach-am-main"' in direct


async def test_nothing_found_points_to_the_factor_list(ds):
    page = await fetch(ds, "/suche?q=Qxzyqxzy")
    assert "Keine Treffer" in page and 'href="/kb/factors"' in page


# ---------------------------------------------------------------------------- record pages


async def test_factor_page_lists_every_coded_case_with_its_evidence_and_source(ds):
    page = await fetch(ds, "/kb/factors/transparenz")
    codings = await rows(ds, "select cf.case_id, cf.evidence, s.url from case_factors cf join sources s on "
                             "s.id = cf.source_id where cf.factor_id = 'transparenz'")
    assert codings
    for case_id, evidence, url in codings:
        assert f'href="/kb/cases/{case_id}"' in page
        assert html.escape(evidence, quote=False) in page
        assert f'href="{html.escape(url)}"' in page
    assert "Tritt oft gemeinsam auf mit" in page


async def test_quote_page_links_speaker_event_and_source(ds):
    page = await fetch(ds, "/kb/quotes/kassel2-knueppel-beziehungsarbeit")
    assert 'href="/kb/people/christine-knueppel"' in page
    event, source = (await rows(ds, "select event_id, source_id from quotes where id = 'kassel2-knueppel-beziehungsarbeit'"))[0]
    assert f'href="/kb/events/{event}"' in page and f'href="/kb/sources/{source}"' in page


async def test_event_page_shows_the_cases_presented_there(ds):
    for event_id, case_id in await rows(ds, "select event_id, case_id from case_events"):
        assert f'href="/kb/cases/{case_id}"' in await fetch(ds, f"/kb/events/{event_id}")


async def test_municipality_page_lists_its_cases_and_has_a_map(ds):
    page = await fetch(ds, "/kb/municipalities/offenbach-am-main")
    for (case_id,) in await rows(ds, "select id from cases where municipality_id = 'offenbach-am-main'"):
        assert f'href="/kb/cases/{case_id}"' in page
    data = json.loads(re.search(r'<script type="application/json" id="kb-map-data">(.*?)</script>', page, re.S).group(1))
    assert data["markers"][0]["name"] == "Offenbach am Main"


async def test_similar_cases_share_the_most_factors(ds):
    page = await fetch(ds, "/kb/cases/offenbach-elternarbeit")
    similar = re.findall(r'class="kb-card-title"><a href="/kb/cases/([^"]+)"',
                         page.split("Ähnliche Praxisbeispiele")[1])
    shared = dict(await rows(ds, """select case_id, count(distinct factor_id) from case_factors where factor_id in
        (select factor_id from case_factors where case_id = 'offenbach-elternarbeit')
        and case_id != 'offenbach-elternarbeit' group by case_id"""))
    assert similar and "offenbach-elternarbeit" not in similar
    assert shared[similar[0]] == max(shared.values())


async def test_compare_puts_cases_side_by_side_with_shared_factors_first(ds):
    a, b = (await rows(ds, """select a.case_id, b.case_id from case_factors a join case_factors b
        on a.factor_id = b.factor_id and a.case_id < b.case_id group by 1, 2 order by count(*) desc, 1, 2 limit 1"""))[0]
    page = await fetch(ds, f"/vergleich?fall={a}&fall={b}")
    assert page.count('class="kb-compare-cell"><h2><span class="kb-compare-number">') == 2
    shared = await rows(ds, """select f.label from case_factors x join case_factors y on x.factor_id = y.factor_id
        join factors f on f.id = x.factor_id where x.case_id = ? and y.case_id = ?""", [a, b])
    factor_rows = re.findall(r'kb-compare-factor">\s*<div class="kb-compare-label"><a href="[^"]+">([^<]+)</a>', page)
    assert shared and set(factor_rows[:len(shared)]) == {html.escape(label) for (label,) in shared}
    assert len(factor_rows) > len(shared)  # factors only one case reports follow
    assert "nicht berichtet" in page


async def test_citation_names_the_record_address_a_german_date_and_no_doubled_quotes(ds):
    page = await fetch(ds, "/kb/cases/offenbach-ehrenamt-deutschlernen")
    citation = html.unescape(re.search(r'<p class="kb-citation" id="kb-citation">(.*?)</p>', page, re.S).group(1))
    assert citation.startswith("„Konzept für ehrenamtliche Bildungspaten und Plattform ‚Deutsch lernen in Offenbach‘“.")
    assert "http://localhost/kb/cases/offenbach-ehrenamt-deutschlernen" in citation
    assert re.search(r"Stand: \d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
                     r"November|Dezember) \d{4}", citation)


async def test_map_shows_every_case_at_its_municipality_and_applies_the_filter(ds):
    page = await fetch(ds, "/karte")
    data = json.loads(re.search(r'id="kb-map-data">(.*?)</script>', page, re.S).group(1))
    shown = sum(len(m["cases"]) for m in data["markers"])
    with_coordinates = (await rows(ds, "select count(*) from cases c join municipalities m on m.id = c.municipality_id "
                                       "where m.latitude is not null"))[0][0]
    assert shown == with_coordinates
    filtered = json.loads(re.search(r'id="kb-map-data">(.*?)</script>',
                                    await fetch(ds, "/karte?_land=hessen"), re.S).group(1))
    assert filtered["markers"] and all(m["url"].startswith("/kb/municipalities/") for m in filtered["markers"])
    assert len(filtered["markers"]) < len(data["markers"])


async def test_case_page_says_when_it_was_last_changed(ds):
    (updated,) = (await rows(ds, "select updated from cases where id = 'offenbach-ehrenamt-deutschlernen'"))[0]
    page = visible_text(await fetch(ds, "/kb/cases/offenbach-ehrenamt-deutschlernen"))
    if updated is None:  # a checkout without git history has no dates
        assert "Zuletzt geändert" not in page
    else:
        year, month, day = (int(part) for part in updated.split("-"))
        assert f"Zuletzt geändert {day}. " in page and f" {year}" in page
