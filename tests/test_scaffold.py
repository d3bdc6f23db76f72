"""kb new: skeletons with German comments from the model, free ids, never overwriting, --from-url."""
import http.server
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kb.cli import cli
from kb.drafts import render
from kb.model import KINDS
from kb.scaffold import NEW_KINDS, field_comment
from kb.validate import validate_dir

FILLED = {  # what a curator enters for the fields a skeleton leaves empty
    "municipality": "kassel", "fields": ["uebergang"], "summary": "Kurz.", "sources": ["news"],
    "factor": "vertrauen", "evidence": "„großes Vertrauen“", "verbatim": True, "source": "news", "role": "Podiumsgast",
    "actor_type": "verein", "speaker": "christine-knueppel", "url": "https://example.org/seite", "kind": "news",
}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def fill(value):
    """Give every empty value of a skeleton the value a curator would enter."""
    if isinstance(value, dict):
        return {k: (FILLED[k] if v in (None, []) else fill(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v) for v in value]
    return value


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_skeleton_names_each_empty_field_and_validates_once_filled(fixture_data, kind):
    result = run("new", kind, "Kooperation braucht Vertrauen", "--data", fixture_data, "--source", "news")
    assert result.exit_code == 0, result.output
    target = Path(result.output.split("geschrieben: ")[1].split(" ab Zeile")[0])
    text = target.read_text(encoding="utf-8")
    for field in KINDS[kind].fields:  # every field of the model is there, with its comment
        assert f"# {field_comment(field)}" in text
    problems = [p.format() for p in validate_dir(fixture_data)[1]]
    assert all("Pflichtfeld ist noch leer" in p or "Liste ist leer" in p for p in problems), problems

    records = yaml.safe_load(text)
    record = records if kind == "case" else records[-1]
    filled = render(KINDS[kind], fill(record))
    if kind == "case":
        target.write_text(filled, encoding="utf-8")
    else:
        lines = text.splitlines(keepends=True)
        start = next(i for i, line in enumerate(lines) if line.startswith(f"- id: {record['id']}"))
        while start and lines[start - 1].startswith("#"):
            start -= 1
        target.write_text("".join(lines[:start]) + filled, encoding="utf-8")
    assert validate_dir(fixture_data)[1] == []


def test_case_skeleton_gets_its_own_file_with_modeline(fixture_data):
    result = run("new", "case", "Sprachcafé im Stadtteil", "--data", fixture_data)
    path = fixture_data / "cases" / "sprachcafe-stadtteil.yaml"
    assert result.output.startswith(f"geschrieben: {path} ab Zeile 2\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../docs/schemas/case.schema.json"
    assert lines[1:5] == [
        "# Kennung (Pflicht): Dauerhafte Kennung aus Kleinbuchstaben, Ziffern, - und _; ändert sich nach der "
        "Veröffentlichung nie.",
        "id: sprachcafe-stadtteil",
        "# Titel (Pflicht): Titel des Praxisbeispiels.",
        "title: Sprachcafé im Stadtteil",
    ]
    assert "# Kommune (Pflicht): Kommune, in der das Beispiel umgesetzt wurde. Kennung aus municipalities.yaml." in lines
    assert "# status:" in lines and "municipality:" in lines


def test_title_whose_slug_exists_gets_a_free_id_and_nothing_is_overwritten(fixture_data):
    first = fixture_data / "cases" / "kooperationsarbeit-gefluechtete-kassel.yaml"
    assert run("new", "case", "Kooperationsarbeit für Geflüchtete in Kassel", "--data", fixture_data).exit_code == 0
    before = first.read_bytes()
    result = run("new", "case", "Kooperationsarbeit für Geflüchtete in Kassel", "--data", fixture_data)
    assert result.exit_code == 0
    assert "kooperationsarbeit-gefluechtete-kassel-2.yaml" in result.output
    assert first.read_bytes() == before


def test_existing_file_with_another_id_is_never_overwritten(fixture_data):
    blocker = fixture_data / "cases" / "elternarbeit.yaml"
    blocker.write_text("# eine Datei in Arbeit\n", encoding="utf-8")
    result = run("new", "case", "Elternarbeit", "--data", fixture_data)
    assert result.exit_code == 1
    assert result.stderr == (f"Fehler: {blocker} gibt es schon; kb überschreibt nie eine Datei (erwartet: eine "
                             "freie Kennung oder die vorhandene Datei von Hand ergänzen)\n")
    assert blocker.read_text(encoding="utf-8") == "# eine Datei in Arbeit\n"


def test_list_records_are_appended_and_the_old_bytes_kept(fixture_data):
    people = fixture_data / "people.yaml"
    before = people.read_bytes()
    result = run("new", "person", "Dr. Anna Beispiel", "--data", fixture_data)
    assert result.exit_code == 0
    after = people.read_bytes()
    assert after.startswith(before) and b"- id: anna-beispiel\n" in after
    first_line = len(before.splitlines()) + 1
    assert result.output.startswith(f"geschrieben: {people} ab Zeile {first_line}\n")


def test_unknown_kind_is_a_usage_error_with_a_suggestion(fixture_data):
    result = run("new", "cas", "Titel", "--data", fixture_data)
    assert result.exit_code == 2
    assert result.stderr == ("Fehler: unbekannte Art 'cas' (erwartet: eine von case, quote, source, event, person, "
                             "organization; meinten Sie 'case'?)\n")


@pytest.mark.parametrize("args, message", [
    (["quote", "Ein Satz"], "Zitate stehen je Quelle in quotes/<quelle>.yaml (erwartet: --source KENNUNG)"),
    (["quote", "Ein Satz", "--source", "nwes"], "unbekannte Quelle 'nwes' (erwartet: Kennung aus sources.yaml; "
                                                "meinten Sie 'news'?)"),
    (["case", "Titel", "--from-url", "https://example.org"],
     "--from-url füllt nur Quellen vor (erwartet: kb new source --from-url URL)"),
    (["case"], "TITEL fehlt (erwartet: kb new ART \"Titel\", bei Quellen auch --from-url URL)"),
])
def test_wrong_calls(fixture_data, args, message):
    result = run("new", *args, "--data", fixture_data)
    assert result.exit_code == 2
    assert result.stderr == f"Fehler: {message}\n"


def test_appending_to_a_broken_list_file_is_refused(fixture_data):
    people = fixture_data / "people.yaml"
    people.write_text("- id: a\n  name: [kaputt\n", encoding="utf-8")
    result = run("new", "person", "Anna Beispiel", "--data", fixture_data)
    assert result.exit_code == 1 and "an diese Datei kann nicht angehängt werden" in result.stderr
    assert people.read_text(encoding="utf-8") == "- id: a\n  name: [kaputt\n"


PAGE = """<!doctype html><html lang="de"><head><meta charset="iso-8859-1">
<title>Ignoriert</title><meta property="og:title" content="Sprachcafé öffnet in Kassel">
<meta property="og:site_name" content="Stadt Kassel"><meta property="article:published_time" content="2024-03-12T09:00:00+01:00">
</head><body><p>Text</p></body></html>"""


@pytest.fixture
def web_page():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = PAGE.encode("iso-8859-1")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=iso-8859-1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/aktuelles/sprachcafe"
    server.shutdown()


def test_source_from_url_is_prefilled_from_the_page(fixture_data, web_page):
    result = run("new", "source", "--from-url", web_page, "--data", fixture_data, "--stdout")
    assert result.exit_code == 0, result.output
    record = yaml.safe_load(result.output)[0]
    assert record == {"id": "sprachcafe-oeffnet-kassel",
                      "review": "Angaben aus der Seite übernommen: Titel, Herausgeber, Datum und Art mit der Seite "
                                "vergleichen",
                      "url": web_page, "title": "Sprachcafé öffnet in Kassel", "publisher": "Stadt Kassel",
                      "date": "2024-03-12", "kind": "news"}
    assert result.output.startswith("--- # sources.yaml (anhängen)\n")


def test_source_from_url_validates_once_the_review_mark_is_resolved(fixture_data, web_page):
    assert run("new", "source", "--from-url", web_page, "--data", fixture_data).exit_code == 0
    problems = [p.format() for p in validate_dir(fixture_data)[1]]
    assert len(problems) == 1 and ": review: offener Prüfhinweis: Angaben aus der Seite übernommen" in problems[0]
    sources = fixture_data / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text("".join(line for line in text.splitlines(keepends=True)
                               if not line.lstrip().startswith("review:")), encoding="utf-8")
    # the new source is cited by nothing yet, which validation allows
    assert validate_dir(fixture_data)[1] == []


def test_unreachable_url_keeps_the_url_and_says_so(fixture_data):
    result = run("new", "source", "Bericht", "--from-url", "http://127.0.0.1:9/nichts", "--data", fixture_data,
                 "--stdout")
    assert result.exit_code == 0
    assert result.stderr.startswith("Hinweis: Seite http://127.0.0.1:9/nichts nicht lesbar (")
    assert "url: http://127.0.0.1:9/nichts\n" in result.output
