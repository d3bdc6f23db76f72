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
