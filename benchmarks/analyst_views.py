"""Benchmark: the analysts' views, the chart queries and ``kb export`` at scale, as ratios against reading
every row of ``case_factors`` in the same process.

Synthetic data only (``synth.make_data``: N generated cases labelled SYNTHETISCH in a temporary folder).

    python benchmarks/analyst_views.py --cases 10000
"""
from __future__ import annotations

import argparse
import sqlite3

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this checkout's kb, not an installed one

from synth import make_data  # noqa: E402

from kb.build import build_database  # noqa: E402
from kb.charts import CHARTS  # noqa: E402
from kb.package import export  # noqa: E402
from kb.views import views  # noqa: E402


def timed(conn: sqlite3.Connection, sql: str) -> tuple[float, int]:
    started = time.perf_counter()
    found = conn.execute(sql).fetchall()
    return time.perf_counter() - started, len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_data(data, args.cases)
        db_path = Path(tmp) / "kb.db"
        build_database(data, db_path)
        conn = sqlite3.connect(db_path)
        baseline, coded = timed(conn, "select * from case_factors")
        print(f"{args.cases} synthetic cases, {coded} codings; baseline (read case_factors) {baseline * 1000:.1f} ms")
        factors = conn.execute("select id, label from factors order by coalesce(position, 0), id").fetchall()
        for view in views(factors):
            seconds, n = timed(conn, f"select * from [{view.name}]")
            print(f"view {view.name:30} {n:8} rows {seconds:7.3f} s  ×{seconds / baseline:8.1f}")
        for chart in CHARTS:
            seconds, n = timed(conn, chart.sql)
            print(f"chart {chart.slug:29} {n:8} rows {seconds:7.3f} s  ×{seconds / baseline:8.1f}")
        conn.close()
        started = time.perf_counter()
        report = export(db_path, Path(tmp) / "export")
        seconds = time.perf_counter() - started
        print(f"kb export: {report.resources} resources, {report.rows} rows, zip "
              f"{report.zip_path.stat().st_size / 1e6:.1f} MB, {seconds:.1f} s  ×{seconds / baseline:.1f}")


if __name__ == "__main__":
    main()
