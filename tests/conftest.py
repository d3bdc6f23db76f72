import shutil
from pathlib import Path

import pytest
from datasette.app import Datasette

from kb.build import build_database
from kb.serve import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"


@pytest.fixture
def fixture_data(tmp_path) -> Path:
    """A writable copy of the small fixture data set."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


@pytest.fixture(scope="session")
def site_db(tmp_path_factory) -> Path:
    """The real bundled data, built once per test session."""
    db_path = tmp_path_factory.mktemp("site") / "kb.db"
    build_database(ROOT / "data", db_path)
    return db_path


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    db_path = tmp_path_factory.mktemp("fixture") / "kb.db"
    build_database(FIXTURE_DATA, db_path)
    return db_path


def make_datasette(db_path: Path) -> Datasette:
    import yaml

    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    return Datasette([], immutables=[str(db_path)], metadata=metadata, settings=dict(SETTINGS))


@pytest.fixture
def ds(site_db) -> Datasette:
    return make_datasette(site_db)
