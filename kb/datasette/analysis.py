"""The analysts' pages: „Auswertungen“ (charts) and the download of the data package.

The charts come from ``kb.charts`` (configured for datasette-dashboards, whose Vega files draw them); the page
also lists every chart's numbers as a table, so they can be read without JavaScript. The zip is ``kb export`` of
the served database, made once per database file and kept in the temporary folder.
"""
from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import AsgiFileDownload, Response

from kb.charts import CHARTS, DASHBOARD, HEADERS
from kb.datasette.cards import DATABASE, rows
from kb.datasette.formats import german_number
from kb.package import PACKAGE_NAME, export

CHARTS_PATH, PACKAGE_PATH = "/auswertungen", f"/{PACKAGE_NAME}.zip"
_export_lock = asyncio.Lock()


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(",.").replace(".", ",")
    return german_number(value) if isinstance(value, int) and value > 9999 else str(value)


def charts_model(conn: sqlite3.Connection) -> dict[str, Any]:
    charts = []
    for chart in CHARTS:
        found = rows(conn, chart.sql)
        columns = list(found[0]) if found else []
        charts.append({"slug": chart.slug, "title": chart.title, "description": chart.description,
                       "headers": [HEADERS.get(c, c) for c in columns], "rows": found,
                       "cells": [[_cell(r[c]) for c in columns] for r in found],
                       "sql_url": f"/{DATABASE}?{urlencode({'sql': chart.sql})}",
                       "csv_url": f"/{DATABASE}.csv?{urlencode({'sql': chart.sql, '_size': 'max'})}"})
    counts = conn.execute("select count(*), count(start_year) from cases").fetchone()
    version, date = conn.execute("select data_version, data_date from build_info").fetchone()
    return {"charts": charts, "cases": counts[0], "without_start_year": counts[0] - counts[1],
            "data_version": version, "data_date": date}


async def charts_page(datasette, request) -> Response:
    db = datasette.get_database(DATABASE)
    model = await db.execute_fn(charts_model)
    config = (datasette.plugin_config("datasette-dashboards") or {}).get(DASHBOARD, {}).get("charts", {})
    context = {"kb_charts": model, "chart_configs": config,
               "absolute_url": datasette.absolute_url(request, datasette.urls.path("/")),
               "package_url": PACKAGE_PATH}
    return Response.html(await datasette.render_template("kb_charts.html", context, request=request))


def _package_dir(db_path: Path) -> Path:
    """Where the served database's package is kept: one folder per database file (size and time)."""
    stat = db_path.stat()
    return Path(tempfile.gettempdir()) / f"kb-package-{stat.st_size}-{stat.st_mtime_ns}"


async def package_download(datasette, request):
    """The data package of the served database as one zip (``kb export``)."""
    db_path = Path(datasette.get_database(DATABASE).path)
    out_dir = _package_dir(db_path)
    async with _export_lock:
        zips = sorted(out_dir.glob(f"{PACKAGE_NAME}-*.zip"))
        if not zips:
            zips = [(await asyncio.to_thread(export, db_path, out_dir)).zip_path]
    return AsgiFileDownload(zips[0], filename=zips[0].name, content_type="application/zip")
