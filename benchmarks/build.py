"""Benchmark: full build, rebuild after one changed file, database size, against a baseline in the same run.

Synthetic data only (benchmarks/synth.py: N labelled cases beside a copy of data/, in a temporary
folder). Each step runs in its own process, so CPU time and peak memory are its own.

- baseline: the C-loader parse (``yaml.CSafeLoader``) of the same files, plain ``sqlite3``
  ``executemany`` of the same rows into the same tables and indexes (the DDL is copied from kb's
  database), and the same two FTS5 tables filled with the raw text;
- kb build: ``kb build`` as a curator runs it (validation, labels, derived columns, German search index);
- kb rebuild: ``kb build`` again after one case file changed;
- size: the database against the YAML it was built from, and the largest objects in it.

    python benchmarks/build.py --cases 10000
    python benchmarks/build.py --cases 100000 --data /tmp/synth-100k   # reuse generated data
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's kb, not an installed one
import synth  # noqa: E402

from kb import fingerprint, parse_cache  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def baseline(data_dir: Path, schema_db: Path, target: Path) -> None:
    """Parse every file with libyaml and insert the same rows with plain executemany."""
    import yaml

    from kb.build import child_table, link_columns
    from kb.model import KINDS

    schema = sqlite3.connect(schema_db)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA page_size = 16384")
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    records = {name: [] for name in KINDS}
    for kind in KINDS.values():
        for file in sorted(data_dir.glob(kind.path)):
            loaded = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            records[kind.name].extend(loaded if kind.layout == "list" else [loaded])

    def value(v):
        return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v

    defaults = {f.name: f.default for kind in KINDS.values() for f in kind.fields if f.default is not None}

    def insert(table: str, rows: list[dict]) -> None:
        columns = [r[1] for r in schema.execute(f"PRAGMA table_info([{table}])")]
        rows = [{**defaults, **r} for r in rows]
        conn.execute(schema.execute("select sql from sqlite_master where name = ?", [table]).fetchone()[0])
        conn.executemany(f"INSERT INTO [{table}] VALUES ({', '.join('?' * len(columns))})",
                         [[value(r.get(c, r.get(c.removesuffix("_id")))) for c in columns] for r in rows])

    with conn:
        for kind in KINDS.values():
            insert(kind.table, records[kind.name])
            for f in kind.fields:
                if f.is_link_list:
                    parent, target_column = link_columns(kind, f)
                    insert(child_table(kind, f), [{parent: r["id"], target_column: v, "position": i}
                                                  for r in records[kind.name] for i, v in enumerate(r.get(f.name) or [])])
                elif f.is_child_list:
                    insert(child_table(kind, f), [{f"{kind.name}_id": r["id"], "position": i, **item}
                                                  for r in records[kind.name]
                                                  for i, item in enumerate(r.get(f.name) or [])])
        created = {name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")}
        for (sql,) in schema.execute("select sql from sqlite_master where type = 'index' and sql is not null "
                                     "and tbl_name in (select value from json_each(?))", [json.dumps(list(created))]):
            conn.execute(sql)
        for (sql,) in schema.execute("select sql from sqlite_master where name in ('search_stems', 'search_trigrams')"):
            conn.execute(sql)
        documents = [(r.get("title") or r.get("label") or r.get("name") or "", r.get("summary") or r.get("text") or "")
                     for kind in KINDS.values() for r in records[kind.name]]
        conn.executemany("INSERT INTO search_stems(title, body, terms) VALUES (?, ?, '')", documents)
        conn.executemany("INSERT INTO search_trigrams(title, body) VALUES (?, '')", [(t,) for t, _ in documents])
    conn.execute("ANALYZE")
    conn.close()


# Runs a command and prints the peak memory of its largest process (its own rusage, not ours).
_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def measured(*command: str) -> dict:
    """Run a command in a child process: wall and CPU seconds (with its workers), peak memory of its largest process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _PEAK, *command], check=True, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "peak_mb": int(out.stdout.split()[-1]) // 1024}


def largest_objects(db: Path, n: int = 8) -> list[tuple[str, float]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select name, sum(pgsize) / 1e6 from dbstat group by name order by 2 desc limit ?",
                            [n]).fetchall()
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--data", type=Path, help="synthetic data folder to reuse (created if missing)")
    parser.add_argument("--keep", type=Path, help="folder to keep the built kb.db in (for benchmarks/serve.py --db)")
    parser.add_argument("--baseline", nargs=3, type=Path, metavar=("DATA", "SCHEMA_DB", "TARGET"),
                        help=argparse.SUPPRESS)  # internal: run the baseline in a child process
    args = parser.parse_args()
    if args.baseline:
        baseline(*args.baseline)
        return
    with tempfile.TemporaryDirectory(prefix="kb-build-bench-") as tmp:
        data = args.data or Path(tmp) / "data"
        if not data.exists():
            synth.make_data(data, args.cases)
        db, base_db = Path(tmp) / "kb.db", Path(tmp) / "baseline.db"
        kb_build = [sys.executable, "-m", "kb", "build", "--data", str(data), "--db", str(db)]
        full = measured(*kb_build)
        print(f"kb build (full): {full}", flush=True)
        base = measured(sys.executable, __file__, "--baseline", str(data), str(db), str(base_db))
        print(f"baseline: {base}", flush=True)
        case = sorted((data / "cases").glob(f"{synth.PREFIX}*.yaml"))[0]
        original = case.read_text(encoding="utf-8")
        case.write_text(original.replace("title: \"SYNTHETISCH", "title: \"SYNTHETISCH geändert,", 1), encoding="utf-8")
        rebuild = measured(*kb_build)  # the change stays: the data folder is synthetic, and kb.db matches it
        yaml_mb = synth.yaml_bytes(data) / 1e6
        db_mb, base_mb = db.stat().st_size / 1e6, base_db.stat().st_size / 1e6
        print(f"{args.cases} synthetic cases ({len(list((data / 'cases').glob('*.yaml')))} case files), "
              f"{yaml_mb:.1f} MB of YAML")
        for name, m in (("baseline (libyaml + executemany + FTS5)", base), ("kb build (full)", full),
                        ("kb build after 1 changed case file", rebuild)):
            print(f"{name:<42} wall {m['wall']:7.2f} s  cpu {m['cpu']:7.2f} s  "
                  f"({m['wall'] / base['wall']:.2f}× wall, {m['cpu'] / base['cpu']:.2f}× cpu)  peak {m['peak_mb']:.0f} MB")
        print(f"database {db_mb:.1f} MB = {db_mb / yaml_mb:.2f}× YAML; baseline database {base_mb:.1f} MB")
        print("largest objects: " + ", ".join(f"{name} {mb:.1f} MB" for name, mb in largest_objects(db)))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for file in (db, fingerprint.manifest_path(db), parse_cache.cache_path(db)):
                shutil.copy(file, args.keep / file.name)


if __name__ == "__main__":
    main()
