"""Coordinators' journeys in a real headless Chromium against `kb serve`."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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
    yield url
    process.terminate()  # kb serve execs Datasette, so this stops the server itself
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def page(site):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (README command 2)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        yield page
        browser.close()


def test_kb_serve_prints_the_url(site):
    assert site.startswith("http://127.0.0.1:")


def test_coordinator_searches_and_opens_a_quote(page, site):
    page.goto(site + "/kb/suche")
    page.fill("input[name=q]", "Vertrauen")
    page.click("input[type=submit]")
    page.wait_for_selector("table.rows-and-columns")
    marks = page.locator("td mark").all_inner_texts()
    assert "Vertrauen" in marks
    row = page.locator("tr", has_text="Christine Knüppel").first
    row.locator("a[href^='/kb/quotes/']").first.click()
    page.wait_for_load_state()
    assert "/kb/quotes/" in page.url
    assert "Kooperationsarbeit […] ist Beziehungsarbeit." in page.content()


def test_coordinator_filters_cases_by_factor_facet(page, site):
    page.goto(site + "/kb/cases")
    # the case list comes first; column descriptions are folded away
    assert page.locator("details.kb-column-descriptions dl.column-descriptions").is_hidden()
    assert page.locator("table.kb-cases th").all_inner_texts() == [
        "Praxisbeispiel", "Kommune", "Handlungsfelder", "Erfolgsfaktoren", "Beginn", "Vorgestellt"]
    facet = page.locator(".facet-info[data-column=factor_labels]")
    first = facet.locator("li a").first
    label = first.inner_text().strip()
    first.click()
    page.wait_for_load_state()
    assert "factor_labels__arraycontains=" in page.url
    count = int(page.locator("h3").first.inner_text().split()[0].replace(".", ""))
    assert count >= 1
    assert label in page.locator(".facet-info[data-column=factor_labels]").inner_text()
    # open the first case of the filtered list: the page shows the chosen factor with evidence and source
    page.locator("table.rows-and-columns td.col-id a").first.click()
    page.wait_for_load_state()
    assert "/kb/cases/" in page.url
    assert page.locator("h2", has_text="Erfolgsfaktoren").count() == 1
    factor = page.locator(".kb-factor", has_text=label).first
    assert factor.locator("a[href^='/kb/factors/']").inner_text() == label
    assert factor.locator("a[href^='http']").count() == 1
    assert page.locator(".kb-citation").inner_text().startswith("„")
