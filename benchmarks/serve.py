"""Benchmark: the served site under concurrent load, against plain Datasette in the same run.

Builds N synthetic cases (benchmarks/synth.py, in a temporary folder) with ``kb build`` and, as the
baseline, a naive one-table import of the same case files (sqlite-utils ``insert_all`` plus
``enable_fts`` on title and summary), served by plain Datasette with the same settings as ``kb serve``.
Both servers run at the same time on loopback; each scenario sends a bounded number of requests
with a fixed concurrency and prints p50/p95 latency, requests per second, HTTP errors and, for the
case list, the number of timed-out facets. Queries cycle through a list of German search words.

Also measures P4: seconds from starting ``kb serve`` (database current) to its first answer.

    python benchmarks/serve.py --cases 10000
    python benchmarks/serve.py --cases 100000 --data /tmp/synth-100k --db /tmp/synth-100k.db  # reuse a build
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlite_utils
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's kb, not an installed one
import synth  # noqa: E402

from kb.serve import SETTINGS, ensure_built  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("Kooperation", "Elternarbeit", "Sprachkurs", "Förderung", "Netzwerk Schule", "Beratung Jugend",
           "Transparenz", "Geflüchtete", "Ehrenamt", "Integration Kommune", "Lotsen", "Qualität Wirkung",
           "Foerderung", "Bildungskoordination", "Migration", "Kita")
PLAIN_FACETS = "&".join(["_facet=municipality", "_facet=period_start", "_facet_array=fields",
                         "_facet_array=factor_ids", "_facet_array=actor_types", "_facet_array=presented_at"])


# Datasette without any installed plugin (ours would otherwise hook into the plain "cases" table too)
PLAIN_DATASETTE = "import sys; sys._called_from_test = True; from datasette.cli import cli; cli(prog_name='datasette')"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plain_import(data_dir: Path, db_path: Path) -> None:
    """The naive import: one row per case file, lists as JSON, Datasette's default FTS."""
    def rows():
        for file in sorted((data_dir / "cases").glob("*.yaml")):
            d = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            yield {"id": d["id"], "title": d["title"], "municipality": d["municipality"], "fields": d["fields"],
                   "summary": d["summary"], "results": d.get("results"), "period_start": d.get("period_start"),
                   "actor_types": sorted({p["actor_type"] for p in d.get("partners") or []}),
                   "partners": d.get("partners") or [], "factor_ids": [c["factor"] for c in d["factors"]],
                   "factors": d["factors"], "presented_at": d.get("presented_at") or [], "sources": d["sources"]}

    db = sqlite_utils.Database(db_path)
    db["cases"].insert_all(rows(), pk="id")
    db["cases"].enable_fts(["title", "summary"])


def settings_args() -> list[str]:
    out = []
    for name, value in SETTINGS.items():
        out += ["--setting", name, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    return out


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 600) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=30).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(url)


@dataclass
class Outcome:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    timed_out_facets: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        q = statistics.quantiles(self.latencies, n=20, method="inclusive")
        p50, p95 = statistics.median(self.latencies), q[18]
        rps = len(self.latencies) / self.seconds
        extra = f"  timed-out facets {self.timed_out_facets}" if self.timed_out_facets else ""
        errors = f"  HTTP errors {self.errors}" if self.errors else ""
        return f"{self.name:<44} p50 {p50 * 1000:7.0f} ms  p95 {p95 * 1000:7.0f} ms  {rps:6.1f} req/s{errors}{extra}"


def timed_out_facets(response: httpx.Response) -> int:
    if not response.headers.get("content-type", "").startswith("application/json"):
        return 0
    body = response.json()
    listed = [f for f in (body.get("facet_results") or {}).values() if f.get("timed_out")]
    return len(listed) + len(body.get("facets_timed_out") or [])


async def run(name: str, base: str, paths: list[str], concurrency: int) -> Outcome:
    outcome = Outcome(name)
    queue = list(paths)
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for path in paths[:3]:  # warm up: first connections, templates
            await client.get(path)

        async def worker():
            while queue:
                path = queue.pop()
                started = time.perf_counter()
                response = await client.get(path)
                outcome.latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    outcome.errors[response.status_code] = outcome.errors.get(response.status_code, 0) + 1
                outcome.timed_out_facets += timed_out_facets(response)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        outcome.seconds = time.perf_counter() - started
    return outcome


def scenarios(case_ids: list[str], requests: int, rng: random.Random) -> dict[str, tuple[list[str], list[str]]]:
    """name → (kb paths, plain Datasette paths): the same question asked of both."""
    def q(i: int) -> str:
        return httpx.QueryParams({"_search": QUERIES[i % len(QUERIES)]}).__str__()

    ids = [rng.choice(case_ids) for _ in range(requests)]
    return {
        "case list, German search, all facets (HTML)": (
            [f"/kb/cases?{q(i)}" for i in range(requests)],
            [f"/plain/cases?{q(i)}&{PLAIN_FACETS}" for i in range(requests)]),
        "case list, German search, all facets (JSON)": (
            [f"/kb/cases.json?{q(i)}" for i in range(requests)],
            [f"/plain/cases.json?{q(i)}&{PLAIN_FACETS}" for i in range(requests)]),
        "unified search page /suche": (
            [f"/suche?{httpx.QueryParams({'q': QUERIES[i % len(QUERIES)]})}" for i in range(requests)],
            [f"/plain/cases?{q(i)}" for i in range(requests)]),
        "canned query suche (JSON)": (
            [f"/kb/suche.json?{httpx.QueryParams({'q': QUERIES[i % len(QUERIES)]})}" for i in range(requests)],
            [f"/plain/cases.json?{q(i)}" for i in range(requests)]),
        "case page": ([f"/kb/cases/{i}" for i in ids], [f"/plain/cases/{i}" for i in ids]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=160, help="per scenario and server")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--data", type=Path, help="synthetic data folder to reuse (created if missing)")
    parser.add_argument("--db", type=Path, help="kb database to reuse (built if missing)")
    parser.add_argument("--only", help="run only scenarios whose name contains this text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-serve-bench-") as tmp:
        data = args.data or Path(tmp) / "data"
        db = args.db or Path(tmp) / "kb.db"
        if not data.exists():
            synth.make_data(data, args.cases)
        if db.name != "kb.db":
            sys.exit("--db muss kb.db heißen: das Plugin bedient die Datenbank „kb“")
        plain = db.with_name("plain.db")
        if not plain.exists():
            plain_import(data, plain)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if not db.exists():
            subprocess.run([sys.executable, "-m", "kb", "build", "--data", str(data), "--db", str(db)], check=True,
                           env=env, stdout=subprocess.DEVNULL, cwd=ROOT)
        ensure_built(data, db)  # P4 is the start with a current database (and inspect file)
        kb_port, plain_port = free_port(), free_port()
        kb_server = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--data", str(data), "--db", str(db),
                                      "--metadata", str(ROOT / "metadata.yml"), "--port", str(kb_port)],
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        plain_server = subprocess.Popen([sys.executable, "-c", PLAIN_DATASETTE, "serve", "-i", str(plain), "-p",
                                         str(plain_port), *settings_args()], env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        try:
            first_answer = wait_until_up(f"http://127.0.0.1:{kb_port}/", kb_server)
            wait_until_up(f"http://127.0.0.1:{plain_port}/", plain_server)
            case_ids = [r[0] for r in sqlite_utils.Database(db).execute("select id from cases").fetchall()]
            print(f"{len(case_ids)} cases, concurrency {args.concurrency}, {args.requests} requests per scenario; "
                  f"db {db.stat().st_size / 1e6:.0f} MB, plain db {plain.stat().st_size / 1e6:.0f} MB")
            print(f"P4 kb serve, database current: first answer after {first_answer:.2f} s")
            results = {}
            for name, (kb_paths, plain_paths) in scenarios(case_ids, args.requests, random.Random(1)).items():
                if args.only and args.only not in name:
                    continue
                kb_outcome = asyncio.run(run(f"kb     {name}", f"http://127.0.0.1:{kb_port}", kb_paths,
                                             args.concurrency))
                plain_outcome = asyncio.run(run(f"plain  {name}", f"http://127.0.0.1:{plain_port}", plain_paths,
                                                args.concurrency))
                print(kb_outcome.line())
                print(plain_outcome.line())
                results[name] = {"kb": kb_outcome.latencies, "plain": plain_outcome.latencies,
                                 "kb_timed_out": kb_outcome.timed_out_facets, "kb_errors": kb_outcome.errors}
            if os.environ.get("KB_BENCH_JSON"):
                Path(os.environ["KB_BENCH_JSON"]).write_text(json.dumps(results))
        finally:
            for server in (kb_server, plain_server):
                server.terminate()
                server.wait()


if __name__ == "__main__":
    main()
