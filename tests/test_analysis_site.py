"""The analysts' area of the site: the „Auswertungen“ page, the package download and the links to both."""
import io
import json
import sqlite3
import zipfile

from kb.charts import CHARTS, HEADERS


async def test_charts_page_is_german_with_a_table_of_each_charts_numbers(ds, site_db):
    response = await ds.client.get("/auswertungen")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Auswertungen</h1>" in html and "nichts dazu berichten" in html
    assert "datasette_dashboards/vega-embed.min.js" in html and "cdn" not in html.lower()
    conn = sqlite3.connect(site_db)
    for chart in CHARTS:
        found = conn.execute(chart.sql).fetchall()
        assert f'id="chart-{chart.slug}"' in html
        assert f"Zahlen als Tabelle ({len(found)} Zeilen)" in html, chart.slug
        assert f'renderChart("{chart.slug}"' in html
    headers = [HEADERS[c] for c in ("faktor", "gruppe", "praxisbeispiele")]
    assert "".join(f'<th scope="col">{h}</th>' for h in headers) in html


async def test_every_chart_is_configured_for_the_dashboards_plugin(ds):
    config = ds.plugin_config("datasette-dashboards")["auswertungen"]
    assert list(config["charts"]) == [c.slug for c in CHARTS]
    for chart in CHARTS:
        assert config["charts"][chart.slug]["query"] == chart.sql
        response = await ds.client.get("/kb.json", params={"sql": chart.sql, "_shape": "objects"})
        assert response.status_code == 200 and response.json()["rows"], chart.slug  # what the chart fetches


async def test_package_download_is_the_export_of_the_served_database(ds, site_db):
    response = await ds.client.get("/kooperationswissen.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    version = sqlite3.connect(site_db).execute("select data_version from build_info").fetchone()[0]
    assert f'filename="kooperationswissen-{version}.zip"' in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    package = json.loads(archive.read(f"kooperationswissen-{version}/datapackage.json"))
    assert package["build_info"]["data_version"] == version
    assert archive.read(f"kooperationswissen-{version}/kb.db") == site_db.read_bytes()


async def test_start_page_and_database_page_link_the_downloads_and_charts(ds):
    for path in ("/", "/kb"):
        html = (await ds.client.get(path)).text
        assert 'href="/kooperationswissen.zip"' in html and 'href="/kb.db"' in html, path
        assert 'href="/auswertungen"' in html, path
