"""Serving: security headers on every response, 400 for bad requests, links that stay on the site."""
import re

import pytest

from kb.datasette.plugin import render_cell
from kb.datasette.security import HEADERS, inline_scripts, security_headers


@pytest.mark.parametrize("path", ["/", "/suche?q=Vertrauen", "/kb/cases", "/kb/cases.json", "/kb.db",
                                  "/-/static/app.css", "/kb/suche.csv?q=Vertrauen", "/nicht-da"])
async def test_every_response_carries_the_security_headers(ds, path):
    response = await ds.client.get(path)
    for name, value in (await security_headers(ds)).items():
        assert response.headers[name] == value, (path, name)
    assert set(HEADERS) < set(await security_headers(ds))
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert "frame-ancestors 'none'" in csp


async def test_only_the_inline_scripts_of_our_pages_are_allowed(ds):
    """Every inline script a page sends has its hash in the policy; an injected one would not."""
    allowed = await inline_scripts(ds)
    for path in ["/kb/quotes", "/kb?sql=select+1", "/kb/suche?q=Vertrauen", "/kb/case_factors"]:
        page = (await ds.client.get(path)).text
        sent = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", page, re.S)
        assert sent, path
        assert set(sent) <= allowed, path
    assert "alert(1)" not in " ".join(allowed)


@pytest.mark.parametrize("path", ["/kb/cases?_sort=nope", "/kb/cases.json?_sort=nope", "/kb/quotes?_sort_desc=nope",
                                  "/kb/quotes?_sort=id&_sort_desc=id", "/kb/quotes?_timelimit=abc",
                                  "/kb/quotes?_through=%7Bbad", "/kb/quotes?id__in=%5B"])
async def test_bad_table_arguments_are_400_not_500(ds, path):
    assert (await ds.client.get(path)).status_code == 400


@pytest.mark.parametrize("value, linked", [("/kb/cases/x", True), ("//evil.example/x", False), ("/\\evil", False),
                                           ("https://evil.example/", False), ("/kb/a b", False)])
def test_link_column_links_only_paths_on_this_site(value, linked):
    out = render_cell(value, "link")
    assert (out is not None and "<a href" in out) == linked


async def test_table_visibility_is_computed_once_per_table(site_db, monkeypatch):
    """Datasette 0.65.5 deep-copies the whole metadata for every table it checks; /kb checks every table."""
    from datasette.app import Datasette

    from conftest import make_datasette

    calls = []
    original = Datasette._table_permission_allows

    def counting(self, database, table):
        calls.append((database, table))
        return original(self, database, table)

    monkeypatch.setattr(Datasette, "_table_permission_allows", counting)
    ds = make_datasette(site_db)
    assert (await ds.client.get("/kb")).status_code == 200
    first = len(calls)
    assert first >= 20  # every table and view was checked once
    assert (await ds.client.get("/kb")).status_code == 200
    assert (await ds.client.get("/kb/cases")).status_code == 200
    assert len(calls) == first + len({("kb", "cases")} - set(calls))
    tables = await ds.get_database("kb").table_names()
    assert all(ds._table_permission_allows("kb", t) == original(ds, "kb", t) for t in tables)
