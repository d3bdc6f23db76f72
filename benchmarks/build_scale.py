"""Benchmark: validate and build at scale, as ratios against a plain libyaml parse in the same process.

Synthetic data only: N generated cases (clearly labelled SYNTHETISCH) written to a temporary
folder next to copies of the real vocabularies and reference files. Nothing touches data/.

    python benchmarks/build_scale.py --cases 20000
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from kb.build import build_database
from kb.load import load_data
from kb.validate import validate

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("Kooperation Vertrauen Bildungskoordination Sprachkurs Förderung Geflüchtete Netzwerk Elternarbeit "
         "Übergang Schule Beruf Transparenz Verwaltung Zivilgesellschaft Steuerungsgruppe Angebot").split()


def ids(path: Path) -> list[str]:
    return [r["id"] for r in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)]


def make_data(target: Path, cases: int, seed: int = 1) -> list[Path]:
    """Copy data/ and add ``cases`` synthetic case files beside the real ones."""
    shutil.copytree(ROOT / "data", target)
    rng = random.Random(seed)
    municipalities = ids(target / "municipalities.yaml")
    fields = ids(target / "vocabularies" / "fields.yaml")
    factors = ids(target / "vocabularies" / "factors.yaml")
    actor_types = ids(target / "vocabularies" / "actor_types.yaml")
    sources = ids(target / "sources.yaml")
    events = ids(target / "events.yaml")
    files = []
    for i in range(cases):
        case_id = f"synthetisch-{i:06d}"
        record = {
            "id": case_id,
            "title": f"SYNTHETISCH {i}: " + " ".join(rng.choices(WORDS, k=6)),
            "municipality": rng.choice(municipalities),
            "fields": rng.sample(fields, 2),
            "summary": "SYNTHETISCHE Testdaten. " + " ".join(rng.choices(WORDS, k=250)),
            "period_start": rng.randint(2015, 2020),
            "partners": [{"label": " ".join(rng.choices(WORDS, k=2)), "actor_type": rng.choice(actor_types)}
                         for _ in range(3)],
            "factors": [{"factor": f, "evidence": " ".join(rng.choices(WORDS, k=8)), "verbatim": False,
                         "source": rng.choice(sources)}
                        for f in rng.sample(factors, 3)],
            "presented_at": [rng.choice(events)],
            "sources": rng.sample(sources, 2),
        }
        path = target / "cases" / f"{case_id}.yaml"
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
        files.append(path)
    return files


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        files = make_data(data, args.cases)
        size_mb = sum(f.stat().st_size for f in files) / 1e6
        baseline = timed(lambda: [yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for f in files])
        result = {}
        load = timed(lambda: result.setdefault("loaded", load_data(data)))
        check = timed(lambda: result.setdefault("problems", validate(result["loaded"])))
        assert result["problems"] == [], result["problems"][:3]
        build = timed(lambda: build_database(data, Path(tmp) / "kb.db"))
    print(f"{args.cases} synthetic cases, {size_mb:.1f} MB of case YAML")
    print(f"baseline  yaml.CSafeLoader parse of the case files: {baseline:7.2f} s  (1.00)")
    for name, seconds in (("kb load (positions, duplicate keys)", load), ("kb validate", check),
                          ("kb build (validate + SQLite + FTS)", build)):
        print(f"{name:<44} {seconds:7.2f} s  ({seconds / baseline:.2f}× baseline)")


if __name__ == "__main__":
    main()
