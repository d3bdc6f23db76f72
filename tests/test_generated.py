"""Generated files are current, and the JSON Schemas agree with the validator on the bundled data."""
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from kb.load import kind_files
from kb.model import KINDS
from kb.site import REPO_ROOT, stale_files

ROOT = Path(__file__).resolve().parent.parent


def test_generated_files_are_current():
    assert stale_files(REPO_ROOT) == [], "run `kb generate`"


@pytest.mark.parametrize("kind", list(KINDS))
def test_bundled_data_matches_its_json_schema(kind):
    schema = json.loads((ROOT / "docs" / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    for file in kind_files(ROOT / "data", KINDS[kind]):
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_json_schema_rejects_what_the_validator_rejects():
    schema = json.loads((ROOT / "docs" / "schemas" / "case.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError, match="sumary"):
        jsonschema.validate({"id": "x", "title": "t", "municipality": "m", "fields": ["f"], "summary": "s",
                             "factors": [{"factor": "a", "evidence": "b", "source": "c"}], "sources": ["c"],
                             "sumary": "typo"}, schema)


def test_every_data_file_points_editors_at_its_schema():
    for kind in KINDS.values():
        for file in kind_files(ROOT / "data", kind):
            first = file.read_text(encoding="utf-8").splitlines()[0]
            assert first.startswith("# yaml-language-server: $schema=") and first.endswith(
                f"docs/schemas/{kind.name}.schema.json"), file
            assert (file.parent / first.split("=", 1)[1]).resolve() == ROOT / "docs/schemas" / f"{kind.name}.schema.json"


def test_codebook_has_the_protocol_anchor_example_and_counts(fixture_data):
    from kb.site import codebook

    text = codebook(fixture_data)
    assert "## Codierprotokoll" in text
    assert "**1 heißt belegt, 0 heißt nicht berichtet.**" in text
    vertrauen = text.split("### Vertrauen (`vertrauen`)", 1)[1].split("###", 1)[0]
    assert "- **Was als Beleg zählt:** Die Quelle zeigt, dass die Partner einander im Beispiel vertrauen." in vertrauen
    assert ("- **Ankerbeispiel:** Kooperationsarbeit für Geflüchtete in Kassel (`kassel-beispiel`): „großes Vertrauen“ "
            "(wörtlich; Quelle: [Kooperation braucht Erfolge]"
            "(https://www.transferagentur-grossstaedte.de/aktuelles/kooperation-braucht-erfolge))") in vertrauen
    assert "- **Codierungen:** 1 Praxisbeispiel\n" in vertrauen


def test_codebook_leaves_out_internal_cases(fixture_data):
    from kb.site import codebook

    case = fixture_data / "cases" / "kassel-beispiel.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "visibility: internal\n", encoding="utf-8")
    text = codebook(fixture_data)
    assert "- **Ankerbeispiel:**" not in text and "kassel-beispiel" not in text
    assert "- **Codierungen:** 0 Praxisbeispiele" in text
