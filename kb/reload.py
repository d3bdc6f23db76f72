"""Live preview for curators (``kb serve --reload``): rebuild when a YAML file in data/ changes and
serve the new database from the next request on; a data error is printed and the old site stays.

Why Datasette runs in this process here: Datasette opens an immutable database once per SQL thread
and keeps that connection, so a file atomically replaced under the same path is never seen (tried
over HTTP: the old rows keep coming back). In reload mode Datasette runs with ``num_sql_threads``
0, so each ``Database`` object has one connection of its own, and after every successful build the
``Database`` object is replaced by a new one on the new file. Requests already running finish on
the old object; it is closed one rebuild later.

Watching: watchfiles (Rust ``notify``: inotify on Linux, FSEvents on macOS, polling as a fallback).
It waits for a burst of events (an editor's save is several) to settle before yielding, so one save
is one rebuild; only ``*.yaml`` files count, and a rebuild happens only when the data's fingerprint
(or commit) changed.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable

import watchfiles

from kb.build import BuildReport, build_database
from kb.problems import DataError
from kb.serve import is_current

Echo = Callable[[str], None]


def yaml_files(change: watchfiles.Change, path: str) -> bool:
    return path.endswith((".yaml", ".yml"))


def rebuild(data_dir: Path, db_path: Path) -> BuildReport | None:
    """Build when the data (or its commit) differs from the database's; raises ``DataError`` (old file untouched)."""
    if is_current(data_dir, db_path):
        return None
    return build_database(data_dir, db_path)


class LiveDatabase:
    """Replaces Datasette's database object with one on the freshly built file."""

    def __init__(self, datasette, name: str, path: Path):
        self.datasette = datasette
        self.name = name
        self.path = path
        self.retired: list = []

    def swap(self) -> None:
        from datasette.database import Database

        old = self.datasette.databases[self.name]
        self.datasette.remove_database(self.name)
        self.datasette.add_database(Database(self.datasette, path=str(self.path), is_mutable=False),
                                    name=self.name, route=old.route)
        for retired in self.retired:  # requests that started before the previous swap are done by now
            retired.close()
        self.retired = [old]


async def watch(data_dir: Path, db_path: Path, live: LiveDatabase, echo: Echo,
                stop: asyncio.Event | None = None) -> None:
    async for changes in watchfiles.awatch(data_dir, watch_filter=yaml_files, stop_event=stop):
        changed = ", ".join(sorted({Path(p).name for _, p in changes}))
        try:
            report = await asyncio.to_thread(rebuild, data_dir, db_path)
        except DataError as exc:
            echo(f"{exc.report()}\n{len(exc.problems)} Problem(e) nach Änderung an {changed}; "
                 "die Website zeigt weiter den letzten gültigen Stand.")
            continue
        except OSError as exc:
            echo(f"Neubau fehlgeschlagen ({exc}); die Website zeigt weiter den letzten gültigen Stand.")
            continue
        if report:
            live.swap()
            echo(f"{changed} geändert: neu gebaut in {report.seconds:.2f} s; die Website zeigt den neuen Stand.")


def datasette_instance(command: list[str]):
    """A Datasette object configured exactly as ``command`` (``python -m datasette serve …``) would,
    with SQL on the event loop so that a swapped database is used by the next request."""
    from datasette.cli import serve

    args = command[command.index("serve") + 1:] + ["--setting", "num_sql_threads", "0"]
    if "--inspect-file" in args:  # counts of the first build only; not needed for a small working copy
        at = args.index("--inspect-file")
        del args[at:at + 2]
    ctx = serve.make_context("serve", args)
    datasette = serve.callback(**ctx.params, return_instance=True)
    datasette.cache_headers = False
    return datasette, ctx.params["host"], ctx.params["port"]


def serve_with_reload(command: list[str], data_dir: Path, db_path: Path, echo: Echo) -> None:
    import uvicorn

    datasette, host, port = datasette_instance(command)
    live = LiveDatabase(datasette, db_path.stem, db_path)  # Datasette names a database after its file

    async def main() -> None:
        await datasette.invoke_startup()
        server = uvicorn.Server(uvicorn.Config(datasette.app(), host=host, port=port, log_level="warning",
                                               lifespan="on"))
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(data_dir, db_path, live, echo, stop))
        try:
            await server.serve()
        finally:
            stop.set()
            await watcher

    asyncio.run(main())
