"""``kb export``: the data package validates with the real ``frictionless`` and its declared types, pandas and
the sqlite-utils CLI read it, and the Excel edition survives German Excel's conventions."""
import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from kb.package import export
from kb.tables import tables
from kb.views import views

PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "Int64", "date": "string",
                "array": "string", "object": "string"}


@pytest.fixture(scope="module")
def package(site_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "paket"
    export(site_db, out)
    return out


def descriptor(package: Path) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def frictionless(*args: str, cwd: Path) -> dict:
    """The real frictionless command line (installed with the test extra), its JSON report."""
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", *args], cwd=cwd,
                            capture_output=True, text=True, timeout=600)
    return json.loads(result.stdout)


def test_frictionless_validates_the_package_with_its_declared_types(package):
    report = frictionless("datapackage.json", cwd=package)
    assert report["valid"], [e["message"] for task in report["tasks"] for e in task["errors"]][:5]
    assert report["stats"]["errors"] == 0 and report["stats"]["warnings"] == 0
    declared = descriptor(package)["resources"]
    assert report["stats"]["tasks"] == len(declared) > 40
    for resource, task in zip(declared, report["tasks"]):
        assert task["labels"] == [f["name"] for f in resource["schema"]["fields"]], resource["name"]
        assert task["stats"]["sha256"] == resource["hash"].removeprefix("sha256:")


def test_frictionless_rejects_a_value_against_the_declared_type(package, tmp_path):
    """The declared schema is what is checked: an AGS without its leading zero and a 2 in the matrix fail."""
    broken = tmp_path / "paket"
    shutil.copytree(package, broken, ignore=shutil.ignore_patterns("*.zip", "*.db", "excel"))
    matrix = broken / "csv" / "case_factor_matrix.csv"
    lines = matrix.read_bytes().decode("utf-8").splitlines(keepends=True)
    lines[1] = lines[1].removesuffix("0\r\n") + "2\r\n"  # the last factor of the first case
    matrix.write_text("".join(lines), encoding="utf-8", newline="")
    places = broken / "csv" / "municipalities.csv"
    places.write_text(places.read_text(encoding="utf-8").replace(",09", ",9", 1), encoding="utf-8", newline="")
    meta = descriptor(broken)
    for resource in meta["resources"]:
        resource.pop("hash"), resource.pop("bytes")  # only the values are under test here
    (broken / "datapackage.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    report = frictionless("datapackage.json", cwd=broken)
    failed = {task["name"]: {e["type"] for e in task["errors"]} for task in report["tasks"] if not task["valid"]}
    assert failed == {"case_factor_matrix": {"constraint-error"}, "municipalities": {"constraint-error"}}


def test_every_column_has_a_declared_type_description_and_licence(package, site_db):
    meta = descriptor(package)
    conn = sqlite3.connect(site_db)
    for resource in meta["resources"]:
        columns = [r[1] for r in conn.execute(f"pragma table_info([{resource['name']}])")]
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == [c for c in columns if c in {f["name"] for f in fields}]
        assert all(f["type"] and f["title"] for f in fields)
        assert resource["licenses"][0]["name"] == "CC-BY-4.0"
    by_name = {r["name"]: r for r in meta["resources"]}
    assert {f["name"]: f["type"] for f in by_name["municipalities"]["schema"]["fields"]}["ags"] == "string"
    assert by_name["case_factors"]["schema"]["foreignKeys"][0] == {
        "fields": "case_id", "reference": {"resource": "cases", "fields": "id"}}
    assert by_name["case_factor_matrix"]["schema"]["primaryKey"] == ["case_id"]
    assert {f["name"]: f.get("constraints", {}).get("enum") for f in by_name["quotes"]["schema"]["fields"]}[
        "speech"] == ["direct", "indirect"]
    assert meta["build_info"]["data_version"] and meta["version"] == meta["build_info"]["data_version"]
    assert "nicht berichtet" in meta["description"]


def test_verbatim_quotations_are_marked_under_section_51_with_their_source(package):
    marked = {r["name"]: r["quotations"] for r in descriptor(package)["resources"] if "quotations" in r}
    assert marked == {
        "case_factors": {"fields": ["evidence"], "legalBasis": "§ 51 UrhG", "sourceField": "source_id"},
        "quotes": {"fields": ["text"], "legalBasis": "§ 51 UrhG", "sourceField": "source_id"},
        "factor_codings": {"fields": ["evidence"], "legalBasis": "§ 51 UrhG", "sourceField": "source_id"},
        "quote_statements": {"fields": ["text"], "legalBasis": "§ 51 UrhG", "sourceField": "source_urls"},
        "quote_overview": {"fields": ["text"], "legalBasis": "§ 51 UrhG", "sourceField": "source_url"}}
    for resource in descriptor(package)["resources"]:
        if resource["name"] in marked:
            assert "51" in resource["licenses"][1]["path"] and "§ 51 UrhG" in resource["description"]


def test_no_exported_column_is_always_empty(package):
    for resource in descriptor(package)["resources"]:
        frame = pd.read_csv(package / resource["path"], dtype="string", keep_default_na=False)
        for column in frame.columns:
            assert (frame[column] != "").any(), (resource["name"], column)


def test_pandas_reads_every_csv_with_the_declared_types_as_in_sqlite(package, site_db):
    conn = sqlite3.connect(site_db)
    for resource in descriptor(package)["resources"]:
        fields = resource["schema"]["fields"]
        dtypes = {f["name"]: PANDAS_TYPES[f["type"]] for f in fields}
        from_csv = pd.read_csv(package / resource["path"], dtype=dtypes, keep_default_na=False,
                               na_values={f["name"]: [""] for f in fields})
        select = ", ".join(f"[{f['name']}]" for f in fields)
        from_db = pd.read_sql(f"select {select} from [{resource['name']}]", conn).astype(dtypes)
        key = resource["schema"]["primaryKey"]
        pd.testing.assert_frame_equal(from_csv.sort_values(key).reset_index(drop=True),
                                      from_db.sort_values(key).reset_index(drop=True), obj=resource["name"])
    ags = pd.read_csv(package / "csv" / "municipalities.csv", dtype={"ags": "string"})["ags"].dropna()
    assert ags.str.len().isin([5, 8]).all() and ags.str.startswith("0").any()


def test_the_sqlite_utils_cli_opens_the_database(package):
    def cli(*args: str):
        return json.loads(subprocess.run([sys.executable, "-m", "sqlite_utils", *args], cwd=package,
                                         capture_output=True, text=True, check=True).stdout)

    counts = {t["table"]: t["count"] for t in cli("tables", "kb.db", "--counts")}
    assert counts["cases"] == descriptor(package)["build_info"]["counts"]["cases"]
    views_counted = {v["view"]: v["count"] for v in cli("views", "kb.db", "--counts")}
    assert views_counted["case_factor_matrix"] == counts["cases"]
    assert cli("query", "kb.db", "select count(*) as n from case_factors_long where coded = 1") == [
        {"n": counts["case_factors"]}]


def test_excel_edition_reads_back_with_semicolon_and_bom_and_german_headers(package, site_db):
    factors = sqlite3.connect(site_db).execute("select id, label from factors order by coalesce(position, 0), id")
    items = {item.name: item for item in [*tables(), *views(factors.fetchall())]}
    meta = {r["name"]: r for r in descriptor(package)["resources"]}
    for name, resource in meta.items():
        raw = (package / "excel" / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        frame = pd.read_csv(package / "excel" / f"{name}.csv", sep=";", encoding="utf-8-sig", dtype="string")
        titles = {c.name: c.title for c in items[name].columns}
        assert list(frame.columns) == [titles[f["name"]] for f in resource["schema"]["fields"]]
    places = pd.read_csv(package / "excel" / "municipalities.csv", sep=";", encoding="utf-8-sig", dtype="string")
    assert "Würzburg" in " ".join(places["Name"].dropna()) and "Kommunentyp (Kennung)" in places.columns
    assert places["AGS"].dropna().str.fullmatch(r'="\d{5}(\d{3})?"').all()  # Excel keeps the leading zero
    factors_per_case = pd.read_csv(package / "excel" / "cases.csv", sep=";", encoding="utf-8-sig", dtype="string")
    labels = factors_per_case["Erfolgsfaktoren (Bezeichnungen)"].dropna()
    assert labels.str.contains("; ").any() and not labels.str.contains(r"\[").any()  # lists joined, not JSON
    pairs = list(csv.reader(io.StringIO((package / "excel" / "factor_cooccurrence.csv").read_text("utf-8-sig")),
                            delimiter=";"))
    assert pairs[0][:2] == ["Erfolgsfaktor A (Kennung)", "Erfolgsfaktor A"]
    assert all("," in row[7] or row[7] in ("0", "1") for row in pairs[1:])  # decimal comma: 0,2308


def test_zip_holds_everything_and_the_same_database_gives_the_same_bytes(package, site_db, tmp_path):
    zips = list(package.glob("kooperationswissen-*.zip"))
    assert len(zips) == 1
    names = zipfile.ZipFile(zips[0]).namelist()
    top = zips[0].stem
    assert {f"{top}/datapackage.json", f"{top}/kb.db", f"{top}/codebook.md", f"{top}/csv/case_factor_matrix.csv",
            f"{top}/excel/case_factor_matrix.csv"} <= set(names)
    assert len(names) == 2 * len(descriptor(package)["resources"]) + 3
    again = export(site_db, tmp_path / "nochmal")
    assert again.zip_path.read_bytes() == zips[0].read_bytes()
    assert "## Codierprotokoll" in (package / "codebook.md").read_text(encoding="utf-8")
