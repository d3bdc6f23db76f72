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
    from kb.progress import TerminalProgress

    progress = TerminalProgress()
    try:
        report = build_database(_data_dir(data_dir), db_path, progress)
    except DataError as exc:
        progress.close()
        _report_problems(exc.problems)
        click.echo("Build abgebrochen; die vorhandene Datenbank bleibt unverändert.", err=True)
        sys.exit(1)
    progress.close()
    counts = ", ".join(f"{table} {n}" for table, n in report.counts.items() if n)
    click.echo(f"{report.db_path} gebaut in {report.seconds:.2f} s ({counts}).")


@cli.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Ordner mit den YAML-Daten.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="SQLite-Datenbank, die veröffentlicht wird.")
@click.option("--metadata", type=click.Path(path_type=Path, exists=True), default=Path("metadata.yml"),
              show_default=True, help="Datasette-Metadaten.")
@click.option("-p", "--port", type=int, default=8001, show_default=True, help="Port.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse, auf der Datasette lauscht; 0.0.0.0 nur im Container (siehe docs/deploy.md).")
@click.option("--reload", "live", is_flag=True,
              help="Vorschau beim Bearbeiten: baut bei jeder Änderung in DATA_DIR neu; Fehler werden gemeldet, "
                   "die Website zeigt dann weiter den letzten gültigen Stand.")
def serve(data_dir: Path, db_path: Path, metadata: Path, port: int, host: str, live: bool) -> None:
    """Baut neu, wenn sich die Daten geändert haben, und startet Datasette (auf 127.0.0.1, wenn nicht --host).

    Mit --reload bleibt kb wach: jede gespeicherte Änderung an einer YAML-Datei baut die Datenbank
    neu, und die nächste Seite zeigt den neuen Stand.

    Example:

        kb serve --port 8001 --reload
    """
    from kb.serve import datasette_command, ensure_built, run_datasette

    if live:
        from kb.reload import rebuild, serve_with_reload

        try:
            report = rebuild(_data_dir(data_dir), db_path)
        except DataError as exc:
            _report_problems(exc.problems)
            if not db_path.exists():
                sys.exit(1)
            click.echo("Die Website zeigt den letzten gültigen Stand, bis die Fehler behoben sind.", err=True)
            report = None
    else:
        try:
            report = ensure_built(_data_dir(data_dir), db_path)
        except DataError as exc:
            _report_problems(exc.problems)
            sys.exit(1)
    if report:
        click.echo(f"{db_path} neu gebaut in {report.seconds:.2f} s.")
    click.echo(f"Kooperationswissen läuft auf http://{host}:{port}/  (Beenden mit Strg+C)")
    if live:
        click.echo(f"Beobachte {data_dir}: Änderungen erscheinen beim nächsten Seitenaufruf.")
        serve_with_reload(datasette_command(db_path, metadata, port, host), data_dir, db_path,
                          lambda message: click.echo(message, err=True))
    else:
        run_datasette(db_path, metadata, port, host)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Fehler: {message}", err=True)
    sys.exit(code)


def _write_drafts(data_dir: Path, drafts, to_stdout: bool, note: str = "") -> None:
    """Print drafts, or write them into ``data_dir`` (new files, or appended to list files)."""
    from kb.drafts import DraftError, as_text, write

    if to_stdout:
        click.echo(as_text(drafts, data_dir, note), nl=False)
        return
    try:
        written = write(data_dir, drafts)
    except DraftError as exc:
        _fail(str(exc))
    for path, line in written:
        click.echo(f"geschrieben: {path} ab Zeile {line}")
    click.echo("Jetzt die leeren Felder und jeden 'review:'-Hinweis bearbeiten, dann 'kb validate' ausführen.")


@cli.command()
@click.argument("kind", metavar="ART")
@click.argument("title", metavar="TITEL", required=False, default="")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Ordner mit den YAML-Daten.")
@click.option("--source", "source_id", metavar="KENNUNG", help="Quelle, die der neue Eintrag nennt (bei Zitaten Pflicht).")
@click.option("--from-url", "url", metavar="URL", help="Nur für Quellen: Titel, Herausgeber, Datum und Sprache aus der Seite übernehmen.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Nur anzeigen, nichts schreiben.")
def new(kind: str, title: str, data_dir: Path, source_id: str | None, url: str | None, to_stdout: bool) -> None:
    """Legt einen neuen Eintrag als Gerüst an: jedes Feld mit deutschem Kommentar, eine freie Kennung aus dem Titel.

    ART ist case, quote, source, event, person oder organization; TITEL ist Titel, Name oder (bei Zitaten)
    der Wortlaut. Praxisbeispiele bekommen eine eigene Datei, alle anderen werden an ihre Datei angehängt;
    eine vorhandene Datei wird nie überschrieben.

    Example:

        kb new case "Sprachcafé im Stadtteil" && kb new source --from-url https://www.example.org/bericht
    """
    from kb.drafts import DraftError
    from kb.load import load_data
    from kb.scaffold import check_kind, skeleton
    from kb.webpage import PageError, fetch

    try:
        check_kind(kind)
    except DraftError as exc:
        _fail(str(exc), 2)
    records = load_data(_data_dir(data_dir)).records
    page = None
    if url and kind == "source":
        try:
            page = fetch(url)
        except PageError as exc:
            click.echo(f"Hinweis: {exc}; die Felder bleiben leer.", err=True)
    if not (title or page and page.title or url):
        _fail("TITEL fehlt (erwartet: kb new ART \"Titel\", bei Quellen auch --from-url URL)", 2)
    try:
        draft = skeleton(kind, title, records, source_id, url, page)
    except DraftError as exc:
        _fail(str(exc), 2)
    _write_drafts(data_dir, [draft], to_stdout)


@cli.command("import-article")
@click.argument("article", metavar="DATEI|-")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Ordner mit den YAML-Daten, gegen die Personen, Organisationen und Kommunen abgeglichen werden.")
@click.option("--url", help="Öffentliche Adresse des Artikels (für die Quelle).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Entwurf in diesen Ordner schreiben (z. B. data: neue Dateien anlegen, Listen ergänzen) "
                   "statt ihn anzuzeigen.")
def import_article(article: str, data_dir: Path, url: str | None, out_dir: Path | None) -> None:
    """Macht aus dem Text eines Berichts oder einer Pressemitteilung einen Entwurf zum Prüfen.

    Erkennt Titel, Datum, Orte, Zitate mit Sprecher und Funktion, Personen und Organisationen
    (abgeglichen mit den vorhandenen, mit Ähnlichkeit) und mögliche Erfolgsfaktoren. Jede Stelle,
    die geprüft werden muss, ist mit 'review:' markiert; 'kb validate' meldet sie, bis sie
    abgearbeitet und gelöscht sind. DATEI ist Text in UTF-8; '-' liest von der Standardeingabe.

    Example:

        kb import-article bericht.txt --url https://www.example.org/bericht --out data
    """
    from kb.article.draft import import_article as build_draft
    from kb.article.reading import ArticleError, read
    from kb.load import load_data

    records = load_data(_data_dir(data_dir)).records
    try:
        raw = sys.stdin.buffer.read() if article == "-" else Path(article).read_bytes()
        result = build_draft(read(raw, Path(article).name), records, url)
    except ArticleError as exc:
        _fail(str(exc))
    _write_drafts(out_dir or data_dir, result.drafts, out_dir is None, result.note)


@cli.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Ordner mit den YAML-Daten.")
@click.option("--format", "output", type=click.Choice(["terminal", "markdown"]), default="terminal",
              show_default=True, help="Tabellen im Terminal oder Markdown (z. B. für einen Pull Request).")
def report(data_dir: Path, output: str) -> None:
    """Zeigt einen Qualitätsbericht: Abdeckung je Erfolgsfaktor, Handlungsfeld, Bundesland und Jahr,
    Lücken, Quellen, Widersprüche, schwache Belege und mögliche Dubletten.

    Der Bericht liest die Daten so, wie sie im Ordner liegen, auch Entwürfe mit offenen Prüfhinweisen.

    Example:

        kb report --format markdown > bericht.md
    """
    from kb.load import load_data
    from kb.report import build_report, markdown, terminal

    result = build_report(load_data(_data_dir(data_dir)).records)
    if output == "markdown":
        click.echo(markdown(result), nl=False)
    else:
        from rich.console import Console

        terminal(result, Console(file=sys.stdout))


@cli.command()
@click.argument("out_dir", metavar="OUT", type=click.Path(path_type=Path, file_okay=False), default=Path("build") / "export")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Ordner mit den YAML-Daten.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="SQLite-Datenbank; wird neu gebaut, wenn sich die Daten geändert haben.")
def export(out_dir: Path, data_dir: Path, db_path: Path) -> None:
    """Schreibt das Datenpaket für Analysen nach OUT (Standard: build/export).

    OUT enthält datapackage.json (Frictionless: Feldtypen, Schlüssel, Beschreibungen, Lizenzen), je Tabelle
    und Sicht eine UTF-8-CSV in csv/, dieselben Daten für deutsches Excel in excel/ (Semikolon, UTF-8 mit BOM,
    deutsche Spaltenköpfe), kb.db, codebook.md und alles zusammen als kooperationswissen-VERSION.zip.
    Prüfen mit: frictionless validate OUT/datapackage.json

    Example:

        kb export build/export && frictionless validate build/export/datapackage.json
    """
    from kb.package import export as write_package
    from kb.serve import ensure_built

    try:
        ensure_built(_data_dir(data_dir), db_path)
    except DataError as exc:
        _report_problems(exc.problems)
        sys.exit(1)
    report = write_package(db_path, out_dir)
    click.echo(f"{report.out_dir}: {report.resources} Tabellen und Sichten, {report.rows} Zeilen; "
               f"Archiv {report.zip_path}")


@cli.command()
@click.argument("version", metavar="VERSION")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Ordner mit den YAML-Daten.")
@click.option("--out", "out_root", type=click.Path(path_type=Path, file_okay=False),
              default=Path("build") / "releases", show_default=True, help="Ordner für die Release-Dateien.")
def release(version: str, data_dir: Path, out_root: Path) -> None:
    """Macht ein Datenrelease: Git-Tag vVERSION, Datenbank, Datenpaket und Prüfsummen (SHA256SUMS).

    VERSION hat die Form JJJJ.MM.N. Vorher die Änderungen in CHANGELOG.md unter „## VERSION (Datum)“
    eintragen, version und date-released in CITATION.cff setzen und alles committen; der Befehl prüft das,
    bevor er taggt. Das Ergebnis liegt in OUT/VERSION/ (Ablauf: docs/releases.md).

    Example:

        kb release 2026.12.0 && git push origin v2026.12.0
    """
    from kb.release import ReleaseError, release as make_release
    from kb.site import REPO_ROOT

    try:
        made = make_release(REPO_ROOT, _data_dir(data_dir), version, out_root)
    except ReleaseError as exc:
        _fail(str(exc))
    except DataError as exc:
        _report_problems(exc.problems)
        click.echo("Release abgebrochen; es wurde kein Tag angelegt.", err=True)
        sys.exit(1)
    click.echo(f"Release {made.version}: Tag {made.tag}, {made.zip_path}, Prüfsummen in {made.checksums}")


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
