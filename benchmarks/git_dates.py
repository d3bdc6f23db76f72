"""Benchmark: what dates from git (kb.gitdates) add to a build of the real data, as ratios against
the same build of a copy outside any git repository (where the dates stay empty).

    python benchmarks/git_dates.py --runs 5
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kb.build import build_database, published_records
from kb.gitdates import DATED_KINDS, record_dates
from kb.load import load_data

ROOT = Path(__file__).resolve().parent.parent


def timed(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = ROOT / "data"
    records = published_records(load_data(data).records)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data, copy)
        plain = timed(lambda: build_database(copy, Path(tmp) / "plain.db"), args.runs)
        dated = timed(lambda: build_database(data, Path(tmp) / "dated.db"), args.runs)
    dates_only = timed(lambda: record_dates(data, records, DATED_KINDS), args.runs)
    count = sum(len(records[k]) for k in DATED_KINDS)
    print(f"build without git history (median of {args.runs}): {plain:.2f} s")
    print(f"build with git dates: {dated:.2f} s (ratio {dated / plain:.2f})")
    print(f"git dates alone for {count} records: {dates_only:.2f} s ({dates_only / plain:.2f} of a plain build)")


if __name__ == "__main__":
    main()
