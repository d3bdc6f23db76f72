"""Near-duplicate warnings: known pairs are found, known distinct records are not flagged."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.duplicates import find_pairs, name_key, near_duplicates, score_pairs, url_key
from kb.load import load_data
from kb.problems import WARNING
from kb.validate import validate_dir

ROOT = Path(__file__).resolve().parent.parent


def append(data: Path, relative: str, text: str) -> None:
    path = data / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def pairs(data: Path) -> set[tuple[str, str, str]]:
    return {(kind, a, b) for kind, a, b, _ in score_pairs(find_pairs(load_data(data).records))}


PERSON = """- id: {id}
  name: {name}
  roles: [{{role: Podiumsgast, source: news}}]
"""
ORGANIZATION = "- {{id: {id}, name: {name}, actor_type: verein, sources: [news]}}\n"
CASE = """id: {id}
title: {title}
municipality: {municipality}
fields: [uebergang]
summary: Kurz.
factors: [{{factor: vertrauen, evidence: Vertrauen, verbatim: false, source: news}}]
sources: [news]
"""
QUOTE = """- id: {id}
  text: {text}
  speaker: {speaker}
  source: {source}
"""


def test_fixture_and_bundled_data_raise_no_warnings(fixture_data):
    assert pairs(fixture_data) == set()
    assert pairs(ROOT / "data") == set()


def test_name_key_ignores_hyphens_titles_umlaut_spelling():
    assert name_key("Dr. Klaus-Peter Müller") == name_key("Klaus Peter Mueller") == "klaus peter muller"


@pytest.mark.parametrize("a, b", [
    ("https://www.example.org/seite/", "https://example.org/seite"),
    ("http://Example.org/seite#abschnitt", "https://www.example.org/seite/"),
])
def test_url_key_same_page(a, b):
    assert url_key(a) == url_key(b)


def test_url_key_keeps_path_and_query():
    assert url_key("https://example.org/a") != url_key("https://example.org/b")
    assert url_key("https://example.org/a?id=1") != url_key("https://example.org/a?id=2")


def test_people_with_similar_names(fixture_data):
    append(fixture_data, "people.yaml", PERSON.format(id="kp-mueller", name="Klaus Peter Müller")
           + PERSON.format(id="kp-mueller-2", name="Dr. Klaus-Peter Müller")
           + PERSON.format(id="knueppel-2", name="Christine Knueppel")
           + PERSON.format(id="knuepel", name="Christine Knüpel")
           + PERSON.format(id="christian-knueppel", name="Christian Knüppel")
           + PERSON.format(id="k-schmidt", name="Katja Schmidt")
           + PERSON.format(id="ka-schmidt", name="Katharina Schmidt"))
    assert pairs(fixture_data) == {("person", "kp-mueller", "kp-mueller-2"),
                                   ("person", "christine-knueppel", "knueppel-2"),
                                   ("person", "christine-knueppel", "knuepel"), ("person", "knueppel-2", "knuepel")}


def test_organisations_with_similar_names(fixture_data):
    append(fixture_data, "organizations.yaml",
           ORGANIZATION.format(id="schlachthof-2", name="Kulturzentrum Schlachthof")
           + ORGANIZATION.format(id="ta-hessen", name="Transferagentur Kommunales Bildungsmanagement Hessen")
           + ORGANIZATION.format(id="ta-nrw", name="Transferagentur Kommunales Bildungsmanagement NRW")
           + ORGANIZATION.format(id="ta-nds", name="Transferagentur Kommunales Bildungsmanagement Niedersachsen"))
    assert pairs(fixture_data) == {("organization", "schlachthof", "schlachthof-2")}


def test_case_titles_only_within_one_municipality(fixture_data):
    append(fixture_data, "municipalities.yaml", "- {id: wuerzburg, name: Würzburg, kind: kreisfreie-stadt, "
                                                "state: bayern, sources: [news]}\n")
    for id_, title, municipality in [
        ("kassel-zwei", "Kooperationsarbeit mit Geflüchteten in Kassel", "kassel"),
        ("wuerzburg-gleich", "Kooperationsarbeit für Geflüchtete in Kassel", "wuerzburg"),
        ("kassel-anders", "Elternarbeit in Kitas", "kassel"),
    ]:
        (fixture_data / "cases" / f"{id_}.yaml").write_text(
            CASE.format(id=id_, title=title, municipality=municipality), encoding="utf-8")
    assert pairs(fixture_data) == {("case", "kassel-beispiel", "kassel-zwei")}


KNUEPPEL = ("Kooperationsarbeit […] ist Beziehungsarbeit. Oft wird bei Kooperation die Autonomie aufgegeben – "
            "dazu braucht es großes Vertrauen.")


def test_same_quote_under_another_speaker_or_source_unless_variant(fixture_data):
    append(fixture_data, "people.yaml", PERSON.format(id="anna-beispiel", name="Anna Beispiel"))
    append(fixture_data, "quotes/doc.yaml",
           QUOTE.format(id="kopie", text=KNUEPPEL.replace(" […]", ""), speaker="anna-beispiel", source="doc")
           + QUOTE.format(id="variante", text=KNUEPPEL + "!", speaker="christine-knueppel", source="doc")
           + "  variant_of: [knueppel]\n"
           + QUOTE.format(id="anders", text="Kooperation braucht Zeit und einen langen Atem.",
                          speaker="christine-knueppel", source="doc"))
    # 'variante' is marked on one side only: the groups of variants are undirected
    assert pairs(fixture_data) == {("quote", "kopie", "knueppel"), ("quote", "kopie", "variante")}


def test_sources_with_the_same_url(fixture_data):
    append(fixture_data, "sources.yaml",
           "- {id: news-2, url: 'https://transferagentur-grossstaedte.de/aktuelles/kooperation-braucht-erfolge/', "
           "title: Kopie, kind: news}\n"
           "- {id: news-3, url: 'https://www.transferagentur-grossstaedte.de/aktuelles/anderes', "
           "title: Andere Seite, kind: news}\n")
    assert pairs(fixture_data) == {("source", "news", "news-2")}


def test_validate_warns_with_exit_0_and_fails_with_strict(fixture_data):
    append(fixture_data, "organizations.yaml", ORGANIZATION.format(id="schlachthof-2", name="Kulturzentrum Schlachthof"))
    path = fixture_data / "organizations.yaml"
    expected = (f"{path}:6:29: Warnung: name: ähnlicher Name wie 'Kulturzentrum Schlachthof e.V.' "
                f"(schlachthof, {path}:2); Ähnlichkeit 100 % (erwartet: zusammenführen, wenn es dieselbe "
                "Organisation ist)\n")
    result = CliRunner().invoke(cli, ["validate", str(fixture_data)])
    assert result.exit_code == 0
    assert result.stdout == expected + f"OK: 23 Datensätze in {fixture_data} geprüft, 1 Warnung(en).\n"
    strict = CliRunner().invoke(cli, ["validate", "--strict", str(fixture_data)])
    assert strict.exit_code == 1
    assert strict.stdout == expected and strict.stderr == "0 Problem(e) gefunden. 1 Warnung(en).\n"


def test_warnings_do_not_stop_a_build(fixture_data, tmp_path):
    from kb.build import build_database

    append(fixture_data, "organizations.yaml", ORGANIZATION.format(id="schlachthof-2", name="Kulturzentrum Schlachthof"))
    assert [p.severity for p in near_duplicates(load_data(fixture_data).records)] == [WARNING]
    assert validate_dir(fixture_data)[1] == []
    assert build_database(fixture_data, tmp_path / "kb.db").counts["organizations"] == 2
