"""kb report: coverage, gaps, sources, contradictions and weak codings on known fixture data."""
from pathlib import Path

from click.testing import CliRunner

from kb.cli import cli
from kb.load import load_data
from kb.report import build_report, markdown

ROOT = Path(__file__).resolve().parent.parent


def append(data: Path, relative: str, text: str) -> None:
    path = data / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def report(data: Path):
    return build_report(load_data(data).records)


def rows(data: Path, title: str) -> list[list]:
    return report(data).table(title).rows


def test_coverage_on_the_fixture(fixture_data):
    assert rows(fixture_data, "Abdeckung je Erfolgsfaktor") == [["Vertrauen", 1, 1, 3], ["Empathie", 1, 0, 1]]
    assert rows(fixture_data, "Abdeckung je Handlungsfeld") == [["Übergang Schule–Beruf", 1]]
    assert rows(fixture_data, "Abdeckung je Bundesland") == [["Hessen", 1, 1], ["Bayern", 0, 0]]
    # the case was presented at Kassel II (2018-06-12); its start (2017) counts only without a presentation
    assert rows(fixture_data, "Abdeckung je Jahr") == [["2018", 1]]


def test_gaps_list_what_is_missing(fixture_data):
    (fixture_data / "cases" / "ohne-jahr.yaml").write_text(
        "id: ohne-jahr\ntitle: Ohne Jahr\nmunicipality: kassel\nfields: [uebergang]\nsummary: Kurz.\n"
        "factors: [{factor: vertrauen, evidence: '', verbatim: false, source: news}]\nsources: [news]\n",
        encoding="utf-8")
    assert rows(fixture_data, "Praxisbeispiele ohne Codierung, Beleg oder Jahr") == [
        ["ohne-jahr", "Ohne Jahr", "Codierung ohne Beleg, kein Jahr"]]
    assert ["2018", 1] in rows(fixture_data, "Abdeckung je Jahr")
    assert ["ohne Jahr", 1] in rows(fixture_data, "Abdeckung je Jahr")


def test_uncited_sources_and_single_source_records(fixture_data):
    append(fixture_data, "sources.yaml", "- {id: ungenutzt, url: 'https://example.org/x', title: Ungenutzt, kind: news}\n")
    assert rows(fixture_data, "Quellen, die nichts nennt") == [["ungenutzt", "Ungenutzt"]]
    assert rows(fixture_data, "Einträge mit nur einer Quelle") == [
        ["Organisationen", "schlachthof", "Kulturzentrum Schlachthof e.V.", "news"],
        ["Kommunen", "kassel", "Kassel", "news"],
        ["Veranstaltungsreihen", "reihe-2018", "Fachveranstaltungen 2018", "news"],
    ]


def test_contradiction_notes(fixture_data):
    append(fixture_data, "organizations.yaml",
           "  notes:\n"
           "    - {text: Die beiden Seiten nennen unterschiedliche Gründungsjahre., sources: [news, doc]}\n"
           "    - {text: Das ist kein Widerspruch, sondern eine Ergänzung., sources: [news, doc]}\n"
           "    - {text: Die Quelle widerspricht sich selbst., sources: [news]}\n")
    assert rows(fixture_data, "Offene Anmerkungen zu Widersprüchen") == [
        ["Organisationen", "schlachthof", "news, doc", "Die beiden Seiten nennen unterschiedliche Gründungsjahre."]]


def test_weak_codings_plan_and_headline(fixture_data):
    path = fixture_data / "cases" / "kassel-beispiel.yaml"
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if "factor: " not in line]
    at = next(i for i, line in enumerate(lines) if line.startswith("factors:")) + 1
    lines[at:at] = ["  - {factor: vertrauen, evidence: Es soll ein Netzwerk entstehen., verbatim: false, source: news}\n",
                    "  - {factor: empathie, evidence: „Kooperation braucht Erfolge“, verbatim: true, source: news}\n"]
    path.write_text("".join(lines), encoding="utf-8")
    assert rows(fixture_data, "Schwachstellen laut Codierprotokoll") == [
        ["kassel-beispiel", "vertrauen", "klingt nach Plan", "Es soll ein Netzwerk entstehen."],
        ["kassel-beispiel", "empathie", "gleich der Überschrift", "„Kooperation braucht Erfolge“"],
    ]


def test_overview_counts_internal_records_and_review_marks(fixture_data):
    append(fixture_data, "quotes/news.yaml", "  review: Wortlaut prüfen\n")
    overview = {row[0]: row[1:] for row in rows(fixture_data, "Überblick")}
    assert overview["Praxisbeispiele"] == [1, 0]
    assert overview["Zitate und Aussagen"][1] >= 1  # the fixture's internal quote
    assert overview["Offene Prüfhinweise (review:)"] == [1, ""]
    assert overview["Mögliche Dubletten (Warnungen)"] == [0, ""]


def test_markdown_format(fixture_data):
    result = CliRunner().invoke(cli, ["report", "--data", str(fixture_data), "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output.startswith("# Qualitätsbericht Kooperationswissen\n\n## Überblick\n\n|  | Anzahl | davon intern |\n")
    assert "## Abdeckung je Bundesland\n\n| Bundesland | Praxisbeispiele | Kommunen |\n|---|---:|---:|\n" \
           "| Hessen | 1 | 1 |\n| Bayern | 0 | 0 |\n" in result.output
    assert "## Mögliche Dubletten\n\nKeine.\n" in result.output
    assert result.output == markdown(report(fixture_data))


def test_terminal_format_is_a_rich_table(fixture_data):
    result = CliRunner().invoke(cli, ["report", "--data", str(fixture_data)])
    assert result.exit_code == 0
    assert "Abdeckung je Erfolgsfaktor" in result.output and "┃ Erfolgsfaktor" in result.output
    assert "│ Vertrauen" in result.output


def test_report_on_the_bundled_data_runs(tmp_path):
    text = markdown(report(ROOT / "data"))
    assert "## Abdeckung je Erfolgsfaktor" in text and "| Vertrauen |" in text


def test_bad_format_is_a_usage_error(fixture_data):
    result = CliRunner().invoke(cli, ["report", "--data", str(fixture_data), "--format", "pdf"])
    assert result.exit_code == 2
