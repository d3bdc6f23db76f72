"""Server time of every coordinator page on a built database, against Datasette's own JSON in the same run.

Runs the site in-process through Datasette's ASGI client (no network, no browser), so the figures are the
server's time to build each page. For every page type it requests every record (or the listed paths), and
prints the median and the slowest page, each with the ratio to the baseline: Datasette's stock JSON of the
same table or row, which runs the same queries Datasette needs anyway without our page models and templates.

    python benchmarks/pages.py                      # builds data/ into a temporary database
    python benchmarks/pages.py --db build/kb.db --repeat 5
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from datasette.app import Datasette  # noqa: E402

from kb.build import build_database  # noqa: E402
from kb.datasette.pages import RECORD_PAGES  # noqa: E402
from kb.serve import SETTINGS  # noqa: E402

OWN_PAGES = {  # page type → (paths, baseline path)
    "Start": (["/"], "/kb.json"),
    "Suche": (["/suche?q=Vertrauen", "/suche?q=Kooperation", "/suche?q=Bildung", "/suche?q=Elternarbiet"],
              "/kb/suche.json?q=Kooperation"),
    "Praxisbeispiele": (["/kb/cases", "/kb/cases?_faktor=transparenz&_land=hessen", "/kb/cases?_search=Bildung"],
                        "/kb/cases.json?_facet=state_id"),
    "Karte": (["/karte", "/karte?_land=hessen"], "/kb/municipalities.json"),
    "Vergleich": (["/vergleich?fall=offenbach-elternarbeit&fall=frankfurt-mo"], "/kb/cases.json"),
}


async def timed(ds: Datasette, path: str, repeat: int) -> float:
    """Median milliseconds of ``repeat`` requests (after one warm-up)."""
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await ds.client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def measure(db_path: Path, repeat: int) -> list[tuple[str, float, str, float, float]]:
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    ds = Datasette([], immutables=[str(db_path)], metadata=metadata, settings=dict(SETTINGS))
    db = ds.get_database("kb")
    pages: dict[str, tuple[list[str], str]] = dict(OWN_PAGES)
    for table in RECORD_PAGES:
        ids = [r[0] for r in (await db.execute(f"select id from {table} order by id")).rows]
        pages[f"Seite {table}"] = ([f"/kb/{table}/{i}" for i in ids], f"/kb/{table}/{ids[0]}.json")
        if table != "cases":
            pages[f"Liste {table}"] = ([f"/kb/{table}"], f"/kb/{table}.json")
    results = []
    for name, (paths, baseline_path) in pages.items():
        baseline = await timed(ds, baseline_path, repeat)
        times = {path: await timed(ds, path, repeat) for path in paths}
        slowest = max(times, key=times.get)
        results.append((name, statistics.median(times.values()), slowest, times[slowest], baseline))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="built database (default: build data/ into a temporary file)")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page after one warm-up")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or build_database(ROOT / "data", Path(tmp) / "kb.db").db_path
        results = asyncio.run(measure(db_path, args.repeat))
    print(f"{'Seitenart':<28}{'Median ms':>10}{'Baseline ms':>13}{'Verhältnis':>11}   langsamste Seite")
    for name, median, slowest, worst, baseline in sorted(results, key=lambda r: -r[3]):
        print(f"{name:<28}{median:>10.1f}{baseline:>13.1f}{median / baseline:>10.1f}×   {worst:.1f} ms {slowest}")


if __name__ == "__main__":
    main()
