"""The ``kb`` command: thin click wrappers around kb.validate, kb.build, kb.site and kb.serve."""
from __future__ import annotations

import sys

from pathlib import Path

import click

from kb import __version__
from kb.build import build_database
from kb.problems import BuildError, DataError, errors, os_error_text
from kb.validate import validate_dir

DEFAULT_DATA = Path("data")
DEFAULT_DB = Path("build") / "kb.db"


def _data_dir(path: Path) -> Path:
    if not path.is_dir():
        raise click.UsageError(f"Datenordner '{path}' nicht gefunden (erwartet: ein Ordner mit sources.yaml, cases/ …)")
    return path


def _report_problems(problems) -> None:
    for problem in problems:
        click.echo(problem.format())
    found = len(errors(problems))
    warned = len(problems) - found
    click.echo(f"{found} Problem(e) gefunden." + (f" {warned} Warnung(en)." if warned else ""), err=True)


class _Failure(click.ClickException):
    """A one-line German message on stderr, exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Fehler: {self.format_message()}", err=True)


class _Group(click.Group):
    """Turns file-system and database-file errors (permissions, full disk …) into one German line, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            raise _Failure(os_error_text(exc)) from exc
        except BuildError as exc:
            raise _Failure(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def cli() -> None:
    """Kooperationswissen: Daten prüfen, bauen und veröffentlichen.

    Example:

        kb validate && kb build && kb serve
    """


@cli.command()
@click.argument("data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--strict", is_flag=True, help="Auch Warnungen (z. B. mögliche Dubletten) führen zu Exit-Code 1.")
def validate(data_dir: Path, strict: bool) -> None:
    """Prüft alle YAML-Dateien in DATA_DIR und meldet jedes Problem mit Datei:Zeile:Spalte.

    Warnungen (mögliche Dubletten: ähnliche Titel, Namen, Zitate, gleiche Adressen) werden
    mit „Warnung:“ gemeldet und ändern den Exit-Code nur mit --strict.

    Exit-Code 0: alles in Ordnung; 1: Probleme in den Daten (mit --strict auch Warnungen); 2: falscher Aufruf.

    Example:

        kb validate data --strict
    """
    from kb.duplicates import near_duplicates

    result, problems = validate_dir(_data_dir(data_dir))
    problems = sorted(problems + near_duplicates(result.records))
    total = sum(len(r) for r in result.records.values())
    if errors(problems) or (strict and problems):
        _report_problems(problems)
        sys.exit(1)
    for warning in problems:
        click.echo(warning.format())
    tail = f", {len(problems)} Warnung(en)" if problems else ", keine Probleme"
    click.echo(f"OK: {total} Datensätze in {data_dir} geprüft{tail}.")


@cli.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Ordner mit den YAML-Daten.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="Zieldatei der SQLite-Datenbank.")
def build(data_dir: Path, db_path: Path) -> None:
    """Baut die SQLite-Datenbank aus den geprüften Daten.

    Bei Problemen in den Daten wird nichts geschrieben; eine vorhandene Datenbank bleibt unverändert.

    Example:

        kb build --data data --db build/kb.db
    """
    try:
        report = build_database(_data_dir(data_dir), db_path)
    except DataError as exc:
        _report_problems(exc.problems)
        click.echo("Build abgebrochen; die vorhandene Datenbank bleibt unverändert.", err=True)
        sys.exit(1)
    counts = ", ".join(f"{table} {n}" for table, n in report.counts.items() if n)
    click.echo(f"{report.db_path} gebaut in {report.seconds:.2f} s ({counts}).")


@cli.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Ordner mit den YAML-Daten.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="SQLite-Datenbank, die veröffentlicht wird.")
@click.option("--metadata", type=click.Path(path_type=Path, exists=True), default=Path("metadata.yml"),
              show_default=True, help="Datasette-Metadaten.")
@click.option("-p", "--port", type=int, default=8001, show_default=True, help="Port auf 127.0.0.1.")
def serve(data_dir: Path, db_path: Path, metadata: Path, port: int) -> None:
    """Baut neu, wenn sich die Daten geändert haben, und startet Datasette auf 127.0.0.1.

    Example:

        kb serve --port 8001
    """
    from kb.serve import ensure_built, run_datasette

    try:
        report = ensure_built(_data_dir(data_dir), db_path)
    except DataError as exc:
        _report_problems(exc.problems)
        sys.exit(1)
    if report:
        click.echo(f"{db_path} neu gebaut in {report.seconds:.2f} s.")
    click.echo(f"Kooperationswissen läuft auf http://127.0.0.1:{port}/  (Beenden mit Strg+C)")
    run_datasette(db_path, metadata, port)


@cli.command()
@click.option("--check", is_flag=True, help="Nur prüfen, ob die Dateien aktuell sind (Exit-Code 1, wenn nicht).")
def generate(check: bool) -> None:
    """Schreibt metadata.yml, die JSON-Schemas (docs/schemas/) und das Codebuch (docs/codebook.md) neu.

    Editoren mit yaml-language-server nutzen die Schemas für Autovervollständigung.

    Example:

        kb generate --check
    """
    from kb.site import REPO_ROOT, stale_files, write_generated

    if check:
        stale = stale_files(REPO_ROOT)
        for path in stale:
            click.echo(f"veraltet: {path} (mit 'kb generate' neu schreiben)")
        sys.exit(1 if stale else 0)
    for path in write_generated(REPO_ROOT):
        click.echo(f"geschrieben: {path}")
