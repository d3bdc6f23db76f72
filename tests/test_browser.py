"""Coordinators' journeys in a real headless Chromium against `kb serve` on the bundled data.

Screenshots of every page type, at desktop and phone width, are saved under build/screenshots/.
"""
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}

# one page of every type a coordinator meets
PAGE_TYPES = {
    "start": "/",
    "suche": "/suche?q=Vertrauen",
    "suche-ohne-treffer": "/suche?q=Elternarbiet",
    "praxisbeispiele": "/kb/cases",
    "praxisbeispiele-gefiltert": "/kb/cases?_faktor=transparenz&_land=hessen",
    "praxisbeispiel": "/kb/cases/offenbach-ehrenamt-deutschlernen",
    "erfolgsfaktoren": "/kb/factors",
    "erfolgsfaktor": "/kb/factors/transparenz",
    "zitate": "/kb/quotes",
    "zitat": "/kb/quotes/kassel2-knueppel-beziehungsarbeit",
    "veranstaltungen": "/kb/events",
    "veranstaltung": "/kb/events/ev2018_kassel2",
    "kommunen": "/kb/municipalities",
    "kommune": "/kb/municipalities/offenbach-am-main",
    "organisationen": "/kb/organizations",
    "organisation": "/kb/organizations/transferagentur-hessen",
    "personen": "/kb/people",
    "person": "/kb/people/christine-knueppel",
    "quellen": "/kb/sources",
    "quelle": "/kb/sources/tag_news_kassel2",
    "reihen": "/kb/series",
    "reihe": "/kb/series/fachveranstaltungen-2018",
    "handlungsfelder": "/kb/fields",
    "handlungsfeld": "/kb/fields/elternarbeit",
    "karte": "/karte",
    "vergleich": "/vergleich?fall=offenbach-elternarbeit&fall=frankfurt-mo",
    "auswertungen": "/auswertungen",
}
ENGLISH = re.compile(r"\b(Sort ascending|Sort descending|Facet by this|Hide this column|Show all columns|Apply|"
                     r"Powered by|This data as|Custom SQL|rows where|Next page|Advanced export|Search:)\b")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """`kb serve` as a user starts it: rebuilds into a fresh database, serves on 127.0.0.1."""
    port = free_port()
    db_path = tmp_path_factory.mktemp("serve") / "kb.db"
    process = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--db", str(db_path), "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=2)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read())
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("kb serve did not answer within 60 s")
    yield url, db_path
    process.terminate()  # kb serve execs Datasette, so this stops the server itself
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (README command 2)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport=DESKTOP, base_url=site[0])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site[0])
    page = context.new_page()
    yield page
    context.close()


def sql(site, query: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{site[1]}?mode=ro", uri=True)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def result_count(page) -> int:
    return int(page.locator(".kb-result-count strong").inner_text().replace(".", ""))


def test_search_then_open_a_case(page):
    page.goto("/")
    page.get_by_label("Suche in Praxisbeispielen").fill("Elternarbeit")
    page.get_by_role("button", name="Suchen").last.click()
    assert page.title() == "Suche: Elternarbeit – Kooperationswissen"
    page.locator("#case .kb-card-title a").first.click()
    assert "/kb/cases/" in page.url
    assert page.locator("h1").inner_text() == page.title().removesuffix(" – Kooperationswissen")


def test_search_quote_speaker_and_their_other_quotes(page, site):
    page.goto("/suche?q=Vertrauen")
    quote = page.locator("#quote figure", has_text="Christine Knüppel").first
    quote.get_by_role("link", name="Zitat öffnen").click()
    assert "/kb/quotes/" in page.url
    page.locator("dl.kb-facts").get_by_role("link", name="Christine Knüppel").click()
    assert page.url.endswith("/kb/people/christine-knueppel")
    expected = sql(site, "select count(*) from quotes where speaker_id = 'christine-knueppel'")[0][0]
    assert page.locator("figure.kb-quote").count() == expected >= 2


def test_factor_list_factor_and_the_evidence_of_a_case(page, site):
    page.goto("/kb/factors")
    page.get_by_role("link", name="Transparenz", exact=True).first.click()
    assert page.url.endswith("/kb/factors/transparenz")
    coding = page.locator("#belege article.kb-coding").first
    evidence = coding.locator(".kb-evidence").inner_text()
    coding.locator(".kb-card-title a").click()
    factor = page.locator(".kb-factor", has=page.get_by_role("link", name="Transparenz", exact=True))
    assert evidence in factor.locator(".kb-evidence").all_inner_texts()


def test_event_and_the_cases_presented_there(page, site):
    event_id, title = sql(site, "select e.id, e.title from events e join case_events ce on ce.event_id = e.id "
                                "group by e.id order by count(*) desc, e.id limit 1")[0]
    page.goto("/kb/events")
    page.get_by_role("link", name=title, exact=True).click()
    presented = {r[0] for r in sql(site, "select c.title from case_events ce join cases c on c.id = ce.case_id "
                                         "where ce.event_id = ?", (event_id,))}
    shown = set(page.locator(".kb-card-case .kb-card-title a").all_inner_texts())
    assert shown == presented


def test_municipality_and_its_cases(page, site):
    page.goto("/suche?q=Offenbach")
    page.locator(".kb-direct").get_by_role("link", name="Offenbach am Main").click()
    assert page.url.endswith("/kb/municipalities/offenbach-am-main")
    titles = {r[0] for r in sql(site, "select title from cases where municipality_id = 'offenbach-am-main'")}
    assert set(page.locator(".kb-card-case .kb-card-title a").all_inner_texts()) == titles


def test_case_list_filtered_by_factor_and_land_then_cleared_one_filter_at_a_time(page, site):
    page.goto("/kb/cases")
    total = result_count(page)
    page.locator("[data-facet=faktor]").get_by_role("link", name="Transparenz", exact=True).click()
    page.locator("[data-facet=land]").get_by_role("link", name="Hessen", exact=True).click()
    both = sql(site, "select count(*) from cases where state_id = 'hessen' and id in "
                     "(select case_id from case_factors where factor_id = 'transparenz')")[0][0]
    assert result_count(page) == both
    assert page.locator(".kb-chip").all_inner_texts() == ["Erfolgsfaktor: Transparenz ✕", "Bundesland: Hessen ✕"]
    assert page.locator("ol.kb-case-results > li").count() == both
    page.get_by_role("link", name="Filter „Bundesland: Hessen“ entfernen").click()
    only_factor = sql(site, "select count(distinct case_id) from case_factors where factor_id = 'transparenz'")[0][0]
    assert result_count(page) == only_factor
    page.get_by_role("link", name="Filter „Erfolgsfaktor: Transparenz“ entfernen").click()
    assert result_count(page) == total == sql(site, "select count(*) from cases")[0][0]


def test_open_a_similar_case_and_compare_two_cases(page, site):
    page.goto("/kb/cases/offenbach-elternarbeit")
    similar = page.locator(".kb-similar .kb-card-title a").first
    title = similar.inner_text()
    page.locator(".kb-similar").get_by_role("link", name="vergleichen").first.click()
    assert "/vergleich?" in page.url
    headings = page.locator(".kb-compare-head h2 a").all_inner_texts()
    assert len(headings) == 2 and title in headings
    assert page.locator(".kb-compare-factor").count() >= 1
    page.locator(".kb-compare-head h2 a", has_text=title).click()
    assert page.locator("h1").inner_text() == title


def test_compare_from_the_case_list_checkboxes(page):
    page.goto("/kb/cases")
    boxes = page.locator("ol.kb-case-results input[name=fall]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Ausgewählte vergleichen").click()
    assert page.locator(".kb-compare-head h2").count() == 2


def test_map_has_a_marker_per_municipality_with_cases(page, site):
    page.goto("/karte")
    page.wait_for_selector("#kb-map[data-markers]")
    expected = sql(site, "select count(distinct m.id) from cases c join municipalities m on m.id = c.municipality_id "
                         "where m.latitude is not null")[0][0]
    assert int(page.locator("#kb-map").get_attribute("data-markers")) == expected > 0
    assert page.locator("#kb-map path.leaflet-interactive").count() == expected
    page.goto("/kb/cases?_land=hessen")
    page.get_by_role("link", name="Auf der Karte zeigen").click()
    page.wait_for_selector("#kb-map[data-markers]")
    hessen = sql(site, "select count(distinct c.municipality_id) from cases c join municipalities m on "
                       "m.id = c.municipality_id where c.state_id = 'hessen' and m.latitude is not null")[0][0]
    assert page.locator("#kb-map path.leaflet-interactive").count() == hessen


def test_zero_results_suggest_a_word_that_finds_something(page):
    page.goto("/suche?q=Elternarbiet")
    suggestion = page.locator(".kb-suggestion a")
    assert suggestion.inner_text() == "Elternarbeit"
    suggestion.click()
    assert page.title() == "Suche: Elternarbeit – Kooperationswissen"
    assert page.locator("#case .kb-card").count() >= 1


def test_citation_can_be_copied(page):
    page.goto("/kb/cases/offenbach-ehrenamt-deutschlernen")
    page.get_by_role("button", name="Zitiervorschlag kopieren").click()
    page.wait_for_selector(".kb-copied:has-text('Kopiert')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#kb-citation").inner_text().strip()
    assert copied.startswith("„Konzept für ehrenamtliche Bildungspaten und Plattform ‚Deutsch lernen in Offenbach‘“.")


def test_keyboard_focus_is_visible(page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


@pytest.mark.parametrize("name, path", PAGE_TYPES.items())
def test_every_page_type_fits_a_phone_and_speaks_german(browser, site, name, path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE), ("narrow", NARROW)):
        context = browser.new_context(viewport=viewport, base_url=site[0])
        page = context.new_page()
        page.goto(path)
        if "karte" in name or name == "kommune":
            page.wait_for_selector("#kb-map[data-markers]")
        if name == "auswertungen":
            wait_for_charts(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (name, label, width)
        text = page.locator("body").inner_text()
        assert not ENGLISH.search(text), (name, ENGLISH.search(text))
        small = page.evaluate("""() => [...document.querySelectorAll(
              'button, input, select, summary, nav a, .kb-chip a, .kb-facet a, .kb-toc a')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim() || e.name || e.type, e.getBoundingClientRect().height])
            .filter(([, h]) => h < 24)""")
        assert small == [], (name, label, small)
        if label != "narrow":
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        context.close()


def wait_for_charts(page) -> None:
    from kb.charts import CHARTS

    page.wait_for_function(f"document.querySelectorAll('.kb-chart-canvas svg').length == {len(CHARTS)}",
                           timeout=60_000)


def _shown(value) -> str:
    """A number as the German charts show it (Vega with the German locale)."""
    if isinstance(value, float):  # format ".2f", rounded like JavaScript's toFixed: the exact binary value, half up
        from decimal import ROUND_HALF_UP, Decimal

        return str(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)).replace(".", ",")
    return f"{value:,}".replace(",", ".") if isinstance(value, int) and value >= 10_000 else str(value)


def test_charts_render_and_show_the_numbers_of_their_sql(page, site):
    """Every mark of every chart, read from the drawn SVG, against the chart's SQL on the served database."""
    from kb.charts import CHARTS

    page.goto("/auswertungen")
    wait_for_charts(page)
    conn = sqlite3.connect(f"file:{site[1]}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    for chart in CHARTS:
        tooltip = chart.spec["encoding"]["tooltip"]
        labels = page.locator(f"#chart-{chart.slug} svg .role-mark [role=graphics-symbol]").evaluate_all(
            "marks => marks.map(m => m.getAttribute('aria-label'))")
        shown = sorted(tuple(dict(part.split(": ", 1) for part in label.split("; "))[t["title"]] for t in tooltip)
                       for label in labels)
        expected = sorted(tuple(_shown(row[t["field"]]) for t in tooltip) for row in conn.execute(chart.sql))
        assert shown == expected and len(expected) > 5, chart.slug
    by_factor = {r[0]: r[1] for r in conn.execute("select f.label, count(cf.case_id) from factors f "
                                                    "left join case_factors cf on cf.factor_id = f.id group by f.id")}
    bars = page.locator("#chart-haeufigkeit svg .role-mark [role=graphics-symbol]")
    assert bars.count() == len(by_factor)  # factors that no case reports are drawn too (0 = nicht berichtet)


def test_phone_reaches_results_without_scrolling_past_the_filters(browser, site):
    context = browser.new_context(viewport=PHONE, base_url=site[0])
    page = context.new_page()
    page.goto("/kb/cases")
    assert page.locator("#kb-filters").get_attribute("open") is None
    first_result = page.locator("ol.kb-case-results > li").first.bounding_box()
    assert first_result["y"] < 2 * PHONE["height"]
    context.close()


@pytest.mark.parametrize("path", ["/kb/cases/offenbach-ehrenamt-deutschlernen", "/kb/factors/transparenz",
                                  "/suche?q=Vertrauen"])
def test_print_shows_content_and_source_addresses_without_navigation(page, path):
    page.goto(path)
    page.emulate_media(media="print")
    assert page.locator(".kb-header").is_hidden()
    assert page.locator("footer").is_hidden()
    assert page.locator("h1").is_visible()
    if "/kb/cases/" in path or "/kb/factors/" in path:
        assert page.locator(".kb-citation").is_visible()
        assert page.locator(".kb-copy").is_hidden()
        after = page.evaluate("""() => getComputedStyle(
            document.querySelector('.kb-factor a[href^="http"], .kb-coding a[href^="http"]'), '::after').content""")
        assert "http" in after or after.startswith('" ("'), after


CONTRAST = """() => {
  const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = (el) => { for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor; const a = c.match(/[\\d.]+/g);
      if (a && (a.length < 4 || Number(a[3]) > 0.5)) return c; } return "rgb(255, 255, 255)"; };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.offsetParent || ![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (el.getBoundingClientRect().right <= 0) continue;  // moved off screen until focused (skip link)
    const style = getComputedStyle(el);
    const [l1, l2] = [lum(style.color), lum(background(el))];
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) failures.push([el.tagName, el.className, el.textContent.trim().slice(0, 30), ratio.toFixed(2)]);
  }
  return failures;
}"""


@pytest.mark.parametrize("path", ["/", "/suche?q=Vertrauen", "/kb/cases?_faktor=transparenz",
                                  "/kb/cases/offenbach-ehrenamt-deutschlernen", "/kb/factors/transparenz",
                                  "/kb/quotes/kassel2-knueppel-beziehungsarbeit", "/karte",
                                  "/vergleich?fall=offenbach-elternarbeit&fall=frankfurt-mo"])
def test_text_contrast_meets_wcag_aa(page, path):
    page.goto(path)
    assert page.evaluate(CONTRAST) == []
