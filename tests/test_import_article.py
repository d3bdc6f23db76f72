"""kb import-article: exact drafts for the test articles in tests/articles/ (fictional texts written for
these tests), bad input, and drafts that validate once every review mark is resolved."""
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.article.quotes import quotations
from kb.article.reading import read
from kb.cli import cli
from kb.validate import validate_dir

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "articles"
NAMES = ["sprachcafe", "anfuehrungszeichen", "ohne_zitate", "ohne_zuschreibung"]
URLS = {"sprachcafe": "https://example.org/sprachcafe", "ohne_zitate": "https://example.org/uebersicht",
        "ohne_zuschreibung": "https://example.org/elterncafe"}  # anfuehrungszeichen: without --url


@pytest.fixture
def article_data(fixture_data) -> Path:
    """The fixture data plus the records the articles are matched against (tests/articles/fixture)."""
    for extra in sorted((ARTICLES / "fixture").rglob("*.yaml")):
        target = fixture_data / extra.relative_to(ARTICLES / "fixture")
        target.write_text(target.read_text(encoding="utf-8") + extra.read_text(encoding="utf-8"), encoding="utf-8")
    assert validate_dir(fixture_data)[1] == []
    return fixture_data


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def import_args(name: str, data: Path) -> list:
    url = ["--url", URLS[name]] if name in URLS else []
    return ["import-article", ARTICLES / f"{name}.txt", "--data", data, *url]


@pytest.mark.parametrize("name", NAMES)
def test_exact_draft(article_data, name):
    result = run(*import_args(name, article_data))
    assert result.exit_code == 0, result.output
    assert result.stdout == (ARTICLES / f"{name}.expected.yaml").read_text(encoding="utf-8")


def resolve(text: str) -> str:
    """Do what the review marks ask, the way a curator would: check, delete the mark, fill what is empty."""
    text = re.sub(r"(?m)^\s*(?:- )?review: .*\n", lambda m: "" if "- " not in m.group() else m.group(), text)
    fills = {"state": "hessen", "summary": "Zusammenfassung für den Test.", "role": "Testfunktion",
             "url": "https://example.org/fachtag"}
    for key, value in fills.items():
        text = re.sub(rf"(?m)^(\s*(?:- )?{key}):$", rf"\1: {value}", text)
    text = text.replace("fields: []", "fields: [uebergang]")
    return text.replace("factors: []", "factors:\n  - {factor: empathie, evidence: Testbeleg, verbatim: false, source: news}")


@pytest.mark.parametrize("name", NAMES)
def test_draft_fails_validation_until_resolved_then_validates(article_data, name):
    before = {p: p.read_bytes() for p in article_data.rglob("*.yaml")}
    result = run(*import_args(name, article_data), "--out", article_data)
    assert result.exit_code == 0, result.output
    for path, content in before.items():  # existing files keep their bytes; drafts are only appended
        assert path.read_bytes().startswith(content)
    problems = [p.format() for p in validate_dir(article_data)[1]]
    marks = [p for p in problems if ": review: offener Prüfhinweis: " in p]
    assert marks and all("review: offener Prüfhinweis" in p or "Pflichtfeld ist noch leer" in p
                         or "Liste ist leer" in p for p in problems), problems
    changed = [p for p in article_data.rglob("*.yaml") if p not in before or p.read_bytes() != before[p]]
    for path in changed:
        path.write_text(resolve(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert validate_dir(article_data)[1] == []


def test_out_writes_nothing_when_a_new_file_exists(article_data):
    case = article_data / "cases" / "sprachcafe-verbindet-ehrenamt-volkshochschule.yaml"
    case.write_text("# in Arbeit\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in article_data.rglob("*.yaml")}
    result = run(*import_args("sprachcafe", article_data), "--out", article_data)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fehler: {case} gibt es schon; kb überschreibt nie eine Datei")
    assert {p: p.read_bytes() for p in article_data.rglob("*.yaml")} == before


def test_out_to_an_empty_folder_creates_files_with_modelines(article_data, tmp_path):
    out = tmp_path / "entwurf"
    result = run(*import_args("ohne_zuschreibung", article_data), "--out", out)
    assert result.exit_code == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml")) == [
        "cases/elterncafe-stadtteil.yaml", "quotes/elterncafe-stadtteil.yaml", "sources.yaml"]
    assert (out / "quotes" / "elterncafe-stadtteil.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../docs/schemas/quote.schema.json\n- id: wer-hier-kaffee-trinkt\n")


def test_reads_standard_input(article_data):
    text = (ARTICLES / "ohne_zuschreibung.txt").read_bytes()
    result = run("import-article", "-", "--data", article_data, input=text)
    assert result.exit_code == 0
    assert result.stdout.startswith("# Entwurf aus -: „Elterncafé im Stadtteil“\n")


@pytest.mark.parametrize("content", [b"", b"\n  \n\t\n"])
def test_empty_article(article_data, tmp_path, content):
    path = tmp_path / "leer.txt"
    path.write_bytes(content)
    result = run("import-article", path, "--data", article_data)
    assert result.exit_code == 1
    assert result.stderr == ("Fehler: leer.txt:1:1: Artikel ist leer (erwartet: Titel in der ersten Zeile, "
                             "darunter der Text)\n")


def test_the_empty_test_article_is_empty(article_data):
    result = run("import-article", ARTICLES / "leer.txt", "--data", article_data)
    assert result.exit_code == 1 and "Artikel ist leer" in result.stderr


def test_non_utf8_article_names_the_first_bad_byte(article_data, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Titel\n\nDer Bürgermeister sagte etwas.\n".encode("latin-1"))
    result = run("import-article", path, "--data", article_data)
    assert result.exit_code == 1
    assert result.stderr == ("Fehler: latin1.txt:3:6: Datei ist kein UTF-8 (Byte 0xfc) (erwartet: Text in UTF-8; "
                             "im Editor als UTF-8 speichern)\n")


def test_missing_file_is_a_message(article_data, tmp_path):
    result = run("import-article", tmp_path / "fehlt.txt", "--data", article_data)
    assert result.exit_code == 1 and "Traceback" not in result.output and "fehlt.txt" in result.output


def parse(text: str):
    return quotations(read(text.encode(), "test.txt"))


@pytest.mark.parametrize("text, quote, speaker, role", [
    ("T\n\n„Wir fangen jetzt klein an“, sagte Anna Beispiel, Leiterin, Bildungsbüro Kassel.",
     "Wir fangen jetzt klein an", "Anna Beispiel", "Leiterin, Bildungsbüro Kassel"),
    ("T\n\n„Wir fangen jetzt klein an“, so Anna Beispiel.", "Wir fangen jetzt klein an", "Anna Beispiel", None),
    ("T\n\n„Wir fangen jetzt klein an“, unterstrich Bildungskoordinatorin Anna Beispiel.",
     "Wir fangen jetzt klein an", "Anna Beispiel", "Bildungskoordinatorin"),
    ("T\n\nAnna Beispiel (Leiterin): „Wir fangen jetzt klein an.“", "Wir fangen jetzt klein an.",
     "Anna Beispiel", "Leiterin"),
    ("T\n\nAnna Beispiel, Leiterin des Büros, blickt zurück. „Wir fangen jetzt klein an.“",
     "Wir fangen jetzt klein an.", "Anna Beispiel", "Leiterin des Büros"),
    ("T\n\n«Wir fangen jetzt klein an», sagte Anna Beispiel.", "Wir fangen jetzt klein an", "Anna Beispiel", None),
    ("T\n\n„Erst klein“, so Anna Beispiel, Leiterin, „dann größer.“", "Erst klein […] dann größer.",
     "Anna Beispiel", "Leiterin"),
])
def test_attribution_patterns(text, quote, speaker, role):
    found, terms, unclosed = parse(text)
    assert [(q.text, q.speaker.name, q.speaker.role) for q in found] == [(quote, speaker, role)]
    assert terms == [] and unclosed == []


def test_sentence_start_words_are_not_speakers():
    found, _, _ = parse("T\n\nIn Kassel beginnt etwas. „Wir fangen jetzt klein an.“")
    assert found[0].speaker is None


def test_unclosed_mark_is_reported_and_the_rest_still_read():
    found, _, unclosed = parse("T\n\n„Wir fangen jetzt klein an“, sagte Anna Beispiel.\n\nDann ein »offenes Zeichen.")
    assert unclosed == [5]
    assert [q.text for q in found] == ["Wir fangen jetzt klein an"]
