"""Bounded loopback load test of the site: latency per page, errors, server memory, search correctness.

Builds the bundled data into a temporary folder, starts ``kb serve`` on 127.0.0.1 (cold: nothing cached),
and sends requests from ``--concurrency`` async workers for ``--duration`` seconds (each request also
times out). Prints p50/p95/p99/max per page, the number of errors, the server's RSS (sampled from
/proc every second) and whether every search answered exactly as a single-threaded run of the same
SQL in this process. Only loopback addresses are ever contacted.

    python benchmarks/load.py --duration 300 --concurrency 32
"""
from __future__ import annotations

import argparse
import asyncio
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from kb.build import build_database
from kb.datasette.plugin import prepare_connection
from kb.site import SEARCH_SQL

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["Vertrauen", "helfen", "schildert", "Bildung", "Kooperation", "Förderung", "Gefluechtete", "kurs",
           "Elternarbeit", "Netzwerk", "Ehrenamt", "Sprachkurse", "Übergang Schule Beruf", "Transparenz",
           "Augenhöhe", "Verwaltung", "Zusammenarbeit", "Integration", "Jugendliche", "Frauen", "Koordination",
           "Steuerungsgruppe", "Beratung", "Kita", "Dolmetscher", "Migrantenorganisation", "Bildungsmanagement",
           "Wertschätzung", "Verstetigung", "politischer Rückhalt"]


def pages(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Page type → URLs (several per type, so caches see different rows)."""
    def ids(table: str, n: int = 10) -> list[str]:
        return [r[0] for r in conn.execute(f"select id from {table} order by id limit {n}")]

    return {
        "start": ["/"],
        "suche": [f"/suche?q={quote(q)}" for q in QUERIES],
        "praxisbeispiele": ["/kb/cases", "/kb/cases?_faktor=vertrauen"],
        "praxisbeispiel": [f"/kb/cases/{i}" for i in ids("cases")],
        "zitat": [f"/kb/quotes/{i}" for i in ids("quotes")],
        "erfolgsfaktor": [f"/kb/factors/{i}" for i in ids("factors")],
        "karte": ["/karte"],
        "datenbank": ["/kb"],
        "suche-sql": [f"/kb/suche.json?q={quote(q)}&_shape=array" for q in QUERIES],
    }


def expected_search(db: Path) -> dict[str, list]:
    """The canned search's rows for every query, single-threaded, in this process."""
    conn = sqlite3.connect(db)
    prepare_connection(conn)
    cursor = conn.execute(SEARCH_SQL, {"q": ""})
    names = [d[0] for d in cursor.description]
    out = {q: [dict(zip(names, row)) for row in conn.execute(SEARCH_SQL, {"q": q})] for q in QUERIES}
    conn.close()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(base: str, urls: dict[str, list[str]], expected: dict[str, list], pid: int, duration: float,
              concurrency: int) -> None:
    latencies: dict[str, list[float]] = {name: [] for name in urls}
    errors: dict[str, list[str]] = {name: [] for name in urls}
    mismatches: list[str] = []
    checked: set[str] = set()
    rss: list[float] = [rss_mb(pid)]
    work = [(name, url) for name, group in urls.items() for url in group]
    deadline = time.monotonic() + duration

    async def worker(offset: int, client: httpx.AsyncClient) -> None:
        i = offset
        while time.monotonic() < deadline:
            name, url = work[i % len(work)]
            i += 1
            started = time.perf_counter()
            try:
                response = await client.get(url)
            except httpx.HTTPError as exc:
                errors[name].append(type(exc).__name__)
                continue
            latencies[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                errors[name].append(str(response.status_code))
            elif name == "suche-sql":
                q = url.split("q=", 1)[1].split("&", 1)[0]
                query = next(x for x in QUERIES if quote(x) == q)
                checked.add(query)
                if response.json() != expected[query]:
                    mismatches.append(query)

    async def sample_rss() -> None:
        while time.monotonic() < deadline:
            await asyncio.sleep(1)
            rss.append(rss_mb(pid))

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        started = time.monotonic()
        await asyncio.gather(sample_rss(), *(worker(n * 7, client) for n in range(concurrency)))
        elapsed = time.monotonic() - started
    total = sum(len(v) for v in latencies.values())
    print(f"{total} Antworten in {elapsed:.0f} s bei {concurrency} parallelen Clients ({total / elapsed:.1f}/s)")
    print(f"{'Seite':18} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'Fehler':>7}")
    for name, values in latencies.items():
        if not values:
            print(f"{name:18} {0:>6} {'-':>8} {'-':>8} {'-':>8} {'-':>8} {len(errors[name]):>7}")
            continue
        q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
        print(f"{name:18} {len(values):>6} {q[49] * 1000:>8.0f} {q[94] * 1000:>8.0f} {q[98] * 1000:>8.0f} "
              f"{max(values) * 1000:>8.0f} {len(errors[name]):>7}")
    for name, found in errors.items():
        if found:
            print(f"Fehler {name}: {sorted(set(found))}")
    print(f"Server-RSS: Start {rss[0]:.0f} MB, Maximum {max(rss):.0f} MB, Ende {rss[-1]:.0f} MB")
    print(f"Suche unter Last: {len(checked)} von {len(QUERIES)} Anfragen geprüft, "
          f"{len(mismatches)} Abweichungen vom Lauf in einem Thread {sorted(set(mismatches))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="Sekunden unter Last (Standard 30)")
    parser.add_argument("--concurrency", type=int, default=32, help="parallele Clients (Standard 32)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kb.db"
        build_database(ROOT / "data", db)
        conn = sqlite3.connect(db)
        urls = pages(conn)
        conn.close()
        expected = expected_search(db)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--db", str(db), "--port", str(port)],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/-/versions.json", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            asyncio.run(run(base, urls, expected, server.pid, args.duration, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
