"""Benchmark: how long `kb serve --reload` takes from saving a file to showing it over HTTP,
as a ratio against a plain `kb build` of the same data in this process.

Works on a temporary copy of data/ (nothing touches data/); edits one case title N times.

    python benchmarks/reload_latency.py --edits 5
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from kb.build import build_database

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def title(port: int, case_id: str) -> str | None:
    try:
        rows = httpx.get(f"http://127.0.0.1:{port}/kb/cases.json", params={"_shape": "array", "id": case_id},
                         timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return None
    return rows[0]["title"] if rows else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, db = Path(tmp) / "data", Path(tmp) / "kb.db"
        shutil.copytree(ROOT / "data", data)
        builds = []
        for _ in range(3):
            started = time.perf_counter()
            build_database(data, Path(tmp) / "plain.db")
            builds.append(time.perf_counter() - started)
        case = sorted((data / "cases").glob("*.yaml"))[0]
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--reload", "--data", str(data), "--db",
                                   str(db), "--metadata", str(ROOT / "metadata.yml"), "--port", str(port)],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            while title(port, case.stem) is None:
                time.sleep(0.1)
            latencies = []
            for n in range(args.edits):
                text = case.read_text(encoding="utf-8")
                new_title = f"Messung {n}"
                lines = [f"title: {new_title}" if line.startswith("title:") else line for line in text.splitlines()]
                started = time.perf_counter()
                case.write_text("\n".join(lines) + "\n", encoding="utf-8")
                while title(port, case.stem) != new_title:
                    time.sleep(0.1)
                latencies.append(time.perf_counter() - started)
        finally:
            server.terminate()
            server.wait()
    build = statistics.median(builds)
    latency = statistics.median(latencies)
    print(f"kb build (median of 3): {build:.2f} s")
    print(f"save → new title over HTTP (median of {args.edits}): {latency:.2f} s "
          f"(min {min(latencies):.2f}, max {max(latencies):.2f}); ratio to build {latency / build:.2f}")


if __name__ == "__main__":
    main()
