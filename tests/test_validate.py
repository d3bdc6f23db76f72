"""One bad-input fixture per validation rule, with the exact message, file and line."""
from pathlib import Path

import pytest

from kb.validate import validate_dir


def problems(data: Path) -> list[str]:
    return [p.format() for p in validate_dir(data)[1]]


def write(data: Path, relative: str, content: str) -> str:
    path = data / relative
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_fixture_data_is_clean(fixture_data):
    assert problems(fixture_data) == []


CASE = """id: kassel-beispiel
title: Kooperationsarbeit in Kassel
municipality: kassel
fields: [uebergang]
summary: Kurz.
factors:
  - {factor: vertrauen, evidence: großes Vertrauen, verbatim: false, source: news}
sources: [news]
"""


@pytest.mark.parametrize("content, expected", [
    pytest.param(CASE.replace("fields: [uebergang]", "fields: [uebergang"),
                 ":5:8: YAML-Syntaxfehler in einer [Liste]: erwartet wurde „,“ oder „]“ (begonnen in Zeile 4) "
                 "(erwartet: gültiges YAML (Einrückung mit Leerzeichen, „: “ nach jedem Schlüssel))", id="syntax"),
    pytest.param(CASE + "title: Noch ein Titel\n",
                 ":9:1: title: Schlüssel doppelt (schon in Zeile 2); YAML würde den ersten Wert stillschweigend "
                 "verwerfen (erwartet: jeden Schlüssel nur einmal je Abschnitt)", id="duplicate-key"),
    pytest.param(CASE.replace("summary: Kurz.\n", ""),
                 ":1:1: Pflichtfeld 'summary' fehlt (erwartet: summary: Text)", id="required"),
    pytest.param(CASE + "sumary: Tippfehler\n",
                 ":9:9: sumary: unbekanntes Feld (erwartet: eines von: id, title, municipality, fields, summary, "
                 "goals, approach, results, lessons, period_start, period_end, status, status_as_of, bmbf_programme, partners, "
                 "factors, presented_at, people, "
                 "sources, notes, visibility; meinten Sie 'summary'?)", id="unknown-field"),
    pytest.param(CASE.replace("fields: [uebergang]", "fields: uebergang"),
                 ":4:9: fields: falscher Typ (Text) (erwartet: Liste (- …))", id="type"),
    pytest.param(CASE + "period_start: 2018-02-30\n",
                 ":9:15: period_start: '2018-02-30' ist kein gültiges Datum "
                 "(erwartet: Datum JJJJ, JJJJ-MM oder JJJJ-MM-TT)", id="impossible-date"),
    pytest.param(CASE + "period_end: 12.06.2018\n",
                 ":9:13: period_end: '12.06.2018' ist kein gültiges Datum "
                 "(erwartet: Datum JJJJ, JJJJ-MM oder JJJJ-MM-TT)", id="date-format"),
    pytest.param(CASE.replace("municipality: kassel", "municipality: kasel"),
                 ":3:15: municipality: unbekannte Kennung 'kasel' (erwartet: Kennung aus Kommunen "
                 "(municipalities.yaml); meinten Sie 'kassel'?)", id="unknown-reference"),
    pytest.param(CASE.replace("sources: [news]", "  - {factor: vertraun, evidence: x, verbatim: false, source: news}\n"
                              "sources: [news]"),
                 ":8:14: factors[1].factor: unbekannte Kennung 'vertraun' (erwartet: Kennung aus Erfolgsfaktoren "
                 "(vocabularies/factors.yaml); meinten Sie 'vertrauen'?)", id="unknown-factor"),
    pytest.param(CASE + "status: läuft\n",
                 ":9:9: status: 'läuft' ist nicht erlaubt (erwartet: geplant, laufend, verstetigt, beendet; "
                 "meinten Sie 'laufend'?)", id="enum"),
    pytest.param(CASE.replace("sources: [news]", "sources: [news, news]"),
                 ":8:17: sources[1]: 'news' steht doppelt in der Liste (schon an Position 1) "
                 "(erwartet: jeden Eintrag nur einmal)", id="duplicate-list-entry"),
    pytest.param(CASE + "goals:\n",
                 ":9:7: goals: leerer Wert (erwartet: Feld weglassen, wenn die Angabe unbekannt ist)",
                 id="empty-value"),
    pytest.param(CASE.replace("verbatim: false, ", ""),
                 ":7:5: factors[0]: Pflichtfeld 'verbatim' fehlt (erwartet: verbatim: true oder false)",
                 id="verbatim-required"),
    pytest.param(CASE.replace("verbatim: false", "verbatim: true"),
                 ":7:35: factors[0].evidence: Beleg ist als wörtlich markiert (verbatim: true), enthält aber kein "
                 "Zitat in „…“ (erwartet: das wörtliche Zitat in „…“ setzen oder verbatim: false für eine "
                 "Umschreibung)", id="verbatim-without-quotation-marks"),
    pytest.param(CASE.replace("sources: [news]", "  - {factor: empathie, evidence: Empathie, verbatim: false, source: news}\n"
                              "  - {factor: vertrauen, evidence: noch ein Beleg, verbatim: false, source: news}\n"
                              "sources: [news]"),
                 ":9:14: factors[2].factor: Erfolgsfaktor 'vertrauen' ist in diesem Praxisbeispiel schon codiert "
                 "(Zeile 7) (erwartet: eine Codierung je Erfolgsfaktor und Praxisbeispiel; Belege in einer Codierung "
                 "zusammenführen, bei verschiedenen Quellen den stärkeren Beleg behalten)", id="duplicate-factor"),
    pytest.param(CASE + "bmbf_programme: ja\n",
                 ":9:17: bmbf_programme: falscher Typ (Text) (erwartet: true oder false)", id="bool"),
])
def test_case_rule(fixture_data, content, expected):
    path = write(fixture_data, "cases/kassel-beispiel.yaml", content)
    assert problems(fixture_data) == [path + expected]


def test_renamed_case_also_breaks_the_references_to_it(fixture_data):
    path = write(fixture_data, "cases/kassel-beispiel.yaml", CASE.replace("id: kassel-beispiel", "id: kassel-anderes"))
    quotes = fixture_data / "quotes" / "news.yaml"
    assert problems(fixture_data) == [
        f"{path}:1:5: id: Kennung 'kassel-anderes' passt nicht zum Dateinamen 'kassel-beispiel.yaml' "
        "(erwartet: Kennung gleich Dateiname ohne .yaml; meinten Sie 'kassel-beispiel'?)",
        *(f"{quotes}:{line}:11: cases[0]: unbekannte Kennung 'kassel-beispiel' (erwartet: Kennung aus "
          f"Praxisbeispiele (cases/*.yaml); meinten Sie 'kassel-anderes'?)" for line in (8, 14)),
        f"{fixture_data / 'vocabularies' / 'factors.yaml'}:8:16: anchor_case: unbekannte Kennung 'kassel-beispiel' "
        "(erwartet: Kennung aus Praxisbeispiele (cases/*.yaml); meinten Sie 'kassel-anderes'?)",
    ]


def test_slug_and_url_formats(fixture_data):
    path = write(fixture_data, "sources.yaml", """- id: News 2018
  url: www.example.org/seite
  title: Titel
  kind: news
- id: doc
  url: https://example.org/doc
  title: Doku
  kind: event-documentation
- id: news
  url: https://example.org/news
  title: News
  kind: news
""")
    assert problems(fixture_data) == [
        f"{path}:1:7: id: 'News 2018' ist keine gültige Kennung (erwartet: Kennung aus a-z, 0-9, - und _ "
        "(z. B. 'kassel-2018'); meinten Sie 'news-2018'?)",
        f"{path}:2:8: url: 'www.example.org/seite' ist keine gültige Adresse "
        "(erwartet: Adresse mit http:// oder https://, ohne Leerzeichen und Anführungszeichen (sonst %20, %22, %27))",
    ]


def test_duplicate_id_across_files_names_the_first_place(fixture_data):
    first = fixture_data / "quotes" / "news.yaml"
    path = write(fixture_data, "quotes/zweite.yaml", """- id: knueppel
  text: Doppelt.
  unattributed: Teilnehmende
  source: doc
""")
    assert problems(fixture_data) == [
        f"{path}:1:7: id: Kennung 'knueppel' ist doppelt (schon in {first}:1) "
        "(erwartet: eine eindeutige Kennung je Eintrag)",
    ]


def test_quote_needs_speaker_or_unattributed(fixture_data):
    path = write(fixture_data, "quotes/doc.yaml", """- id: alle
  text: Ohne Sprecher.
  source: doc
""")
    assert problems(fixture_data) == [
        f"{path}:1:3: eines der Felder speaker oder unattributed fehlt (erwartet: speaker: … (oder unattributed: …))",
    ]


def test_anchor_case_must_code_its_factor_and_a_coverage_note_needs_a_factor_without_codings(fixture_data):
    write(fixture_data, "cases/kassel-beispiel.yaml", CASE)  # codes vertrauen only
    path = write(fixture_data, "vocabularies/factors.yaml", """- id: vertrauen
  label: Vertrauen
  label_en: trust
  group: beziehung
  definition: Die Beteiligten verlassen sich aufeinander.
  coverage_note: Kein Beispiel.
- id: empathie
  label: Empathie
  label_en: empathy
  group: beziehung
  definition: Die Beteiligten versetzen sich in die anderen hinein.
  anchor_case: kassel-beispiel
""")
    assert problems(fixture_data) == [
        f"{path}:6:18: coverage_note: Erfolgsfaktor ist in 1 Praxisbeispiel(en) codiert (kassel-beispiel), die "
        "Anmerkung „Warum ohne Praxisbeispiel“ stimmt nicht mehr (erwartet: coverage_note löschen und ein "
        "anchor_case angeben)",
        f"{path}:12:16: anchor_case: Praxisbeispiel 'kassel-beispiel' codiert den Erfolgsfaktor 'empathie' nicht "
        "(erwartet: ein Praxisbeispiel, das diesen Faktor codiert; solange es keines gibt, anchor_case weglassen "
        "und coverage_note schreiben)",
    ]


def test_every_problem_is_reported_at_once(fixture_data):
    write(fixture_data, "cases/kassel-beispiel.yaml", CASE.replace("municipality: kassel", "municipality: kasel")
          + "status: läuft\n")
    write(fixture_data, "events.yaml", "- id: kassel2\n  title: x\n  date: 2018-13-01\n  sources: [news]\n")
    found = problems(fixture_data)
    assert [line.split(": ", 1)[0].rsplit("/", 1)[-1] for line in found] == [
        "kassel-beispiel.yaml:3:15", "kassel-beispiel.yaml:9:9", "events.yaml:3:9"]


def test_file_that_is_not_a_list(fixture_data):
    path = write(fixture_data, "people.yaml", "id: x\nname: y\n")
    assert problems(fixture_data)[0] == (f"{path}:1:1: Datei muss eine Liste von Datensätzen enthalten "
                                         "(erwartet: - id: … je Datensatz)")


def test_non_utf8_file_is_a_problem_not_a_traceback(fixture_data):
    path = fixture_data / "series.yaml"
    path.write_bytes("- id: reihe\n  title: Gr\xfc\xdfe\n".encode("latin-1"))
    assert problems(fixture_data)[0] == (f"{path}:2:12: Datei ist kein UTF-8: Byte 0xFC (in Latin-1/Windows-1252 "
                                         "wäre das „ü“) (erwartet: in UTF-8 speichern)")


def test_empty_case_file_is_a_problem(fixture_data):
    path = write(fixture_data, "cases/leer.yaml", "# noch nichts\n")
    assert problems(fixture_data) == [f"{path}:1:1: Datei ist leer (erwartet: id: …, title: … auf oberster Ebene)"]


def test_file_in_no_known_place_is_reported_not_ignored(fixture_data):
    (fixture_data / "case").mkdir()
    path = write(fixture_data, "case/neu.yml", CASE)
    found = problems(fixture_data)
    assert found[0].startswith(f"{path}:1:1: Datei gehört zu keiner Datenart und würde ignoriert (erwartet: eine von: ")
    assert found[0].endswith("; meinten Sie 'cases/*.yaml'?)")
