"""Benchmark: 1 vs 2 Datasette processes behind nginx on loopback (scale-out by replicas).

Each replica is the same ``datasette serve`` command ``kb serve`` runs (immutable database, same
settings), on its own port; nginx (the Debian package, started here with a temporary config and
stopped at the end) balances between them. The same bounded load (concurrency 8) goes through
nginx with one and with two replicas; prints p50/p95 and requests per second of each.

    python benchmarks/replicas.py --db build/kb.db
    python benchmarks/replicas.py --db /tmp/synth-100k.db --requests 400
"""
from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's kb, not an installed one
from serve import QUERIES, free_port, run, wait_until_up  # noqa: E402

from kb.serve import datasette_command, write_inspect_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream kb {{
    least_conn;
{servers}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://kb;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }}
  }}
}}
"""


def paths(db: Path, requests: int) -> list[str]:
    """A mix of what coordinators do: case pages, the case list with a search, the search page."""
    ids = [r[0] for r in sqlite3.connect(db).execute("select id from cases").fetchall()]
    rng = random.Random(1)
    out = []
    for i in range(requests):
        query = QUERIES[i % len(QUERIES)]
        out.append(rng.choice([f"/kb/cases/{rng.choice(ids)}", f"/kb/cases/{rng.choice(ids)}",
                               f"/kb/cases?_search={query}", f"/suche?q={query}"]))
    return out


def measure(db: Path, replicas: int, requests: int, concurrency: int) -> str:
    with tempfile.TemporaryDirectory(prefix="kb-nginx-") as tmp:
        ports = [free_port() for _ in range(replicas)]
        servers = [subprocess.Popen(datasette_command(db, ROOT / "metadata.yml", port), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, cwd=ROOT) for port in ports]
        port = free_port()
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, servers="\n".join(
            f"    server 127.0.0.1:{p};" for p in ports)))
        nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", tmp],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for server, p in zip(servers, ports):
                wait_until_up(f"http://127.0.0.1:{p}/", server)
            wait_until_up(f"http://127.0.0.1:{port}/", nginx)
            outcome = asyncio.run(run(f"nginx + {replicas} Datasette process(es)", f"http://127.0.0.1:{port}",
                                      paths(db, requests), concurrency))
            return outcome.line()
        finally:
            for process in (nginx, *servers):
                process.terminate()
                process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "build" / "kb.db")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if not args.db.exists() or args.db.name != "kb.db":
        sys.exit(f"{args.db}: erst `kb build` ausführen; die Datei muss kb.db heißen (das Plugin bedient „kb“)")
    write_inspect_file(args.db)
    for replicas in (1, 2):
        print(measure(args.db, replicas, args.requests, args.concurrency))


if __name__ == "__main__":
    main()
