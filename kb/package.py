"""``kb export``: the built database as a Frictionless data package, an Excel edition and one zip.

Layout of ``OUT/``:
- ``datapackage.json``: one resource per table and view with field types, enums and patterns from
  ``kb.model`` (via ``kb.tables`` and ``kb.views``), primary and foreign keys, German descriptions, the
  licence per resource (CC BY 4.0; verbatim quotations marked under § 51 UrhG with their source column)
  and the ``build_info``;
- ``csv/<name>.csv``: UTF-8, comma, header = column names, lists as JSON arrays;
- ``excel/<name>.csv``: for German Excel (``kb.excel``): ``;``, UTF-8 with BOM, German headers, lists
  joined by „; “, decimal comma, digit codes such as the AGS kept as text;
- ``kb.db`` (the database itself) and ``codebook.md`` (coding protocol and codebook, ``kb.site.codebook``);
- ``kooperationswissen-<data_version>.zip`` beside ``OUT/``'s files: everything above.

Columns without a value in any row are left out of both CSV editions (and named in the resource
description), so an analyst never meets an always-empty column. Everything is derived from the database
and its ``build_info`` date, so the same database exports to the same bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from kb.columns import CODED, Column
from kb.excel import excel_csv, text_cell
from kb.site import codebook
from kb.tables import Table, tables
from kb.views import View, views

PACKAGE_NAME = "kooperationswissen"
CC_BY = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": "Creative Commons Namensnennung 4.0 International (Texte der Redaktion)"}
QUOTATION_RIGHTS = {"path": "https://www.gesetze-im-internet.de/urhg/__51.html",
                    "title": "Wörtliche Zitate: Zitatrecht nach § 51 UrhG, Rechte bei den Urheberinnen und Urhebern; "
                             "nicht unter CC BY 4.0"}
SOURCE_COLUMNS = ("source_id", "source_url", "source_urls")


@dataclass(frozen=True)
class ExportReport:
    out_dir: Path
    zip_path: Path
    resources: int
    rows: int


def _factors(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The published factors in codebook order, as the build made ``case_factor_matrix`` from them."""
    return conn.execute("select id, label from factors order by coalesce(position, 0), id").fetchall()


def _non_empty(conn: sqlite3.Connection, name: str, columns: tuple[Column, ...]) -> list[Column]:
    """The columns with a value in at least one row (all of them for a table without rows)."""
    checks = ", ".join(f"max([{c.name}] is not null)" for c in columns)
    found = conn.execute(f"select count(*), {checks} from [{name}]").fetchone()
    return [c for c, has in zip(columns, found[1:]) if has or not found[0]]


def _resource(conn: sqlite3.Connection, item: Table | View) -> tuple[dict[str, Any], list[Column]]:
    """The resource descriptor and the columns written (the always-empty ones left out)."""
    columns = _non_empty(conn, item.name, item.columns)
    kept = {c.name for c in columns}
    left_out = [c.name for c in item.columns if c.name not in kept]
    schema: dict[str, Any] = {"fields": [c.frictionless() for c in columns], "missingValues": [""],
                              "primaryKey": list(item.primary_key)}
    foreign_keys = [{"fields": column, "reference": {"resource": table, "fields": "id"}}
                    for column, table in item.foreign_keys if column in kept and table != item.name]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    description = item.description
    if left_out:
        description += f" Ohne die in dieser Version überall leeren Spalten: {', '.join(left_out)}."
    resource: dict[str, Any] = {
        "name": item.name, "path": f"csv/{item.name}.csv", "profile": "tabular-data-resource",
        "title": item.title, "description": description, "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "schema": schema, "licenses": [CC_BY],
    }
    quoted = [c.name for c in columns if c.quotation]
    if quoted:
        source = next((name for name in SOURCE_COLUMNS if name in kept), None)
        resource["licenses"] = [CC_BY, QUOTATION_RIGHTS]
        resource["quotations"] = {"fields": quoted, "legalBasis": "§ 51 UrhG", "sourceField": source}
        resource["description"] += (f" Die Spalte(n) {', '.join(quoted)} enthalten wörtliche Zitate (§ 51 UrhG) aus "
                                    f"der in {source} genannten Quelle; sie stehen nicht unter CC BY 4.0.")
    return resource, columns


def _rows(conn: sqlite3.Connection, name: str, columns: list[Column]) -> list[tuple]:
    order = "order by " + ", ".join(f"[{c}]" for c in (_key(conn, name) or [columns[0].name]))
    select = ", ".join(f"[{c.name}]" for c in columns)
    return conn.execute(f"select {select} from [{name}] {order}").fetchall()


def _key(conn: sqlite3.Connection, name: str) -> list[str]:
    info = conn.execute(f"pragma table_info([{name}])").fetchall()
    return [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]


def _plain_csv(columns: list[Column], rows: Iterable[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


def _excel_value(column: Column, value: Any) -> Any:
    """A value as German Excel reads it: lists joined, decimal comma, digit codes kept as text."""
    if value is None:
        return None
    if column.type == "array":
        return json.loads(value)
    if column.type == "number":
        return str(value).replace(".", ",")
    if column.pattern and column.pattern.startswith(r"^\d"):  # AGS, Länderschlüssel: leading zeros
        return text_cell(value)
    return value


def _excel(columns: list[Column], rows: Iterable[tuple]) -> str:
    return excel_csv([c.title for c in columns], ([_excel_value(c, v) for c, v in zip(columns, row)] for row in rows))


def build_info(conn: sqlite3.Connection) -> dict[str, Any]:
    conn.row_factory = sqlite3.Row
    try:
        info = dict(conn.execute("select * from build_info where id = 1").fetchone())
    finally:
        conn.row_factory = None
    info["counts"] = json.loads(info["counts"])
    return info


def descriptor(conn: sqlite3.Connection) -> tuple[dict[str, Any], list[tuple[dict[str, Any], list[Column]]]]:
    """datapackage.json and, per resource, the columns it holds."""
    info = build_info(conn)
    items: list[Table | View] = [*tables(), *views(_factors(conn))]
    resources = [_resource(conn, item) for item in items]
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "Kooperationswissen: Praxisbeispiele, Erfolgsfaktoren und Aussagen gelingender kommunaler Kooperation",
        "description": "Offene Wissensbasis gelingender kommunaler Kooperation in der Bildung für Neuzugewanderte: "
                       "Praxisbeispiele mit Kommune, Partnern und Erfolgsfaktoren (jede Codierung mit Beleg und "
                       f"Quelle), Zitate und Aussagen, Veranstaltungen und Quellen. Codierungen: {CODED}. Eine "
                       "CSV-Datei je Tabelle und Sicht (csv/), dieselben Daten für deutsches Excel (excel/: "
                       "Semikolon, UTF-8 mit BOM, deutsche Spaltenköpfe) und die SQLite-Datenbank (kb.db).",
        "version": info["data_version"],
        "created": f"{info['data_date']}T00:00:00Z",
        "keywords": ["Kommunale Koordination", "Bildung", "Neuzugewanderte", "Kooperation", "Erfolgsfaktoren",
                     "Praxisbeispiele", "QCA"],
        "licenses": [CC_BY],
        "sources": [{"title": "Öffentliche Quellen jeder Angabe: Ressource sources (Spalte url); jede Codierung "
                              "und jedes Zitat nennt seine Quelle"}],
        "build_info": info,
        "resources": [resource for resource, _ in resources],
    }
    if info.get("repository"):
        package["homepage"] = info["repository"]
        package["sources"].append({"title": "Kuratierte YAML-Daten und Code (Repository)", "path": info["repository"]})
    return package, resources


def _zip(out_dir: Path, files: list[Path], target: Path, date: str) -> None:
    """A zip with sorted entries and every timestamp at the data date: the same files give the same bytes."""
    stamp = dt.date.fromisoformat(date).timetuple()[:3] + (0, 0, 0)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(files):
            entry = zipfile.ZipInfo(f"{target.stem}/{file.relative_to(out_dir).as_posix()}", date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, file.read_bytes())


def export(db_path: Path, out_dir: Path) -> ExportReport:
    """Write the data package, the Excel edition, the database and the zip into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        package, resources = descriptor(conn)
        (out_dir / "codebook.md").write_text(codebook(conn), encoding="utf-8")
        written: list[Path] = []
        total = 0
        for folder in ("csv", "excel"):
            shutil.rmtree(out_dir / folder, ignore_errors=True)
            (out_dir / folder).mkdir()
        for resource, columns in resources:
            rows = _rows(conn, resource["name"], columns)
            total += len(rows)
            plain = out_dir / resource["path"]
            plain.write_text(_plain_csv(columns, rows), encoding="utf-8", newline="")
            excel = out_dir / "excel" / plain.name
            excel.write_text(_excel(columns, rows), encoding="utf-8", newline="")
            data = plain.read_bytes()
            resource.update(bytes=len(data), hash=f"sha256:{hashlib.sha256(data).hexdigest()}")
            written += [plain, excel]
    finally:
        conn.close()
    (out_dir / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
    if db_path.resolve() != (out_dir / "kb.db").resolve():
        shutil.copyfile(db_path, out_dir / "kb.db")
    written += [out_dir / "datapackage.json", out_dir / "kb.db", out_dir / "codebook.md"]
    zip_path = out_dir / f"{PACKAGE_NAME}-{package['version']}.zip"
    for old in out_dir.glob(f"{PACKAGE_NAME}-*.zip"):
        old.unlink()
    _zip(out_dir, written, zip_path, package["build_info"]["data_date"])
    return ExportReport(out_dir, zip_path, len(resources), total)
