"""Build the published SQLite database from validated records.

Layout (all derived from ``kb.model``):
- one table per kind; scalar fields are columns, a reference is ``<field>_id`` with a foreign key;
- a link table per list of references (``case_fields``, ``quote_factors`` …) and a child table per
  list of objects (``case_factors``, ``case_partners``, ``person_roles`` …), with foreign keys and indexes;
- JSON-array label columns on ``cases`` for Datasette's array facets;
- one German search index over every kind a coordinator looks for (``kb.search_index``); Datasette's
  ``?_search=`` uses it too (``kb.datasette``), so there is no second, disagreeing full-text index;
- a precision column (Jahr, Monat, Tag) beside every partial date (``period_start_precision`` …);
- the analysts' views (``kb.views``), ``case_factor_matrix`` with one column per published factor;
- ``build_info``: data version, data date, commits, repository (``kb.provenance``), data hash, counts,
  schema and kb version. Nothing depends on the wall clock, so the same commit builds to the same bytes.

The database is written to a temporary file next to the target and atomically renamed,
so a failed build leaves the previous database untouched.
"""
from __future__ import annotations

import graphlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

import kb
from kb.columns import PRECISION_SUFFIX, date_precision
from kb.fingerprint import write_manifest
from kb.gitdates import DATED_KINDS, Dates, record_dates
from kb.load import Record
from kb.model import KINDS, Field, Kind
from kb.parse_cache import ParseCache
from kb.problems import BuildError, DataError, errors, sqlite_error_text
from kb.progress import Progress
from kb.search_index import write_search_index
from kb.validate import iter_refs, validate_dir
from kb.provenance import data_commit, provenance  # noqa: F401  (kb.serve reads data_commit from here)
from kb.views import views

SCHEMA_VERSION = 2
_SQL_TYPES = {"int": int, "float": float, "bool": int}


@dataclass(frozen=True)
class BuildReport:
    db_path: Path
    counts: dict[str, int]
    seconds: float


# ---------------------------------------------------------------------------- layout


def ref_column(field: Field) -> str:
    return f"{field.name}_id"


def link_columns(kind: Kind, field: Field) -> tuple[str, str]:
    """(parent column, target column) of a link table."""
    return f"{kind.name}_id", field.column or f"{field.item.ref}_id"


def child_table(kind: Kind, field: Field) -> str:
    return field.table or f"{kind.name}_{field.name}"


def _stored_in_row(f: Field, nested: bool) -> bool:
    """Whether a field is a column of its row. Lists of references get a link table, except
    inside child rows (``notes[].sources``), where they are stored as JSON arrays."""
    if f.type == "object" or (f.type == "list" and f.item.type == "object"):
        return False
    return nested or not (f.type == "list" and f.item.type == "ref")


def _columns(fields: Iterable[Field], nested: bool = False) -> dict[str, type]:
    """Row columns of fields; a partial date gets a precision column (Jahr, Monat, Tag) beside it."""
    columns: dict[str, type] = {}
    for f in fields:
        if _stored_in_row(f, nested):
            columns[ref_column(f) if f.type == "ref" else f.name] = _SQL_TYPES.get(f.type, str)
            if f.type == "partial_date":
                columns[f.name + PRECISION_SUFFIX] = str
    return columns


def _foreign_keys(fields: Iterable[Field]) -> list[tuple[str, str, str]]:
    return [(ref_column(f), KINDS[f.ref].table, "id") for f in fields if f.type == "ref"]


# ---------------------------------------------------------------------------- rows


def _values(fields: Iterable[Field], data: dict[str, Any], nested: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in fields:
        if not _stored_in_row(f, nested):
            continue
        value = data.get(f.name, f.default)
        if f.type == "list" and value is not None:
            value = json.dumps(value, ensure_ascii=False)
        elif f.type == "bool" and value is not None:
            value = int(value)
        elif f.type == "partial_date" and value is not None:
            value = str(value)  # a bare year may be written as a YAML number
        row[ref_column(f) if f.type == "ref" else f.name] = value
        if f.type == "partial_date":
            row[f.name + PRECISION_SUFFIX] = date_precision(value)
    return row


class _Labels:
    """id → label of every record, for label columns and the search index; and the records' git dates."""

    def __init__(self, records: dict[str, list[Record]], dates: dict[tuple[str, str], Dates] | None = None):
        self._labels = {name: {r.id: r.data.get(KINDS[name].label, r.id) for r in rs}
                        for name, rs in records.items()}
        self.data = {name: {r.id: r.data for r in rs} for name, rs in records.items()}
        self.dates = dates or {}

    def __call__(self, kind: str, id_: str | None) -> str | None:
        return self._labels[kind].get(id_) if id_ else None


def _facet_labels(field: Field, data: dict[str, Any], labels: _Labels) -> list[str]:
    out: list[str] = []
    for item in data.get(field.name) or []:
        if field.facet_via:
            ref_field = next(f for f in field.item.fields if f.name == field.facet_via)
            label = labels(ref_field.ref, item.get(field.facet_via))
        else:
            label = labels(field.item.ref, item)
        if label and label not in out:
            out.append(label)
    return out


@dataclass(frozen=True)
class DerivedColumn:
    """A column copied onto a table at build time so Datasette can facet on it."""

    name: str
    type: type
    references: str | None
    title: str
    description: str


CASE_DERIVED_COLUMNS = (
    DerivedColumn("state_id", str, "states", "Bundesland",
                  "Bundesland der Kommune (übernommen aus der Tabelle Kommunen, für Facetten)."),
    DerivedColumn("municipality_kind_id", str, "municipality_kinds", "Kommunentyp",
                  "Kommunentyp der Kommune (übernommen aus der Tabelle Kommunen, für Facetten)."),
    DerivedColumn("start_year", int, None, "Startjahr", "Jahr des Beginns (aus „Beginn“), soweit die Quellen ihn nennen."),
    DerivedColumn("presented_year", int, None, "Jahr der Vorstellung",
                  "Jahr der ersten Veranstaltung, auf der das Beispiel vorgestellt wurde."),
)


def _case_derived(record: Record, labels: _Labels) -> dict[str, Any]:
    """Values of ``CASE_DERIVED_COLUMNS`` for one case."""
    data = record.data
    municipality = labels.data["municipality"].get(data.get("municipality"), {})
    event_dates = sorted(str(labels.data["event"][e]["date"]) for e in data.get("presented_at") or []
                         if labels.data["event"].get(e, {}).get("date"))
    start = data.get("period_start")
    return {
        "state_id": municipality.get("state"),
        "municipality_kind_id": municipality.get("kind"),
        "start_year": int(str(start)[:4]) if start else None,
        "presented_year": int(event_dates[0][:4]) if event_dates else None,
    }


DATE_COLUMNS = (
    DerivedColumn("created", str, None, "Angelegt",
                  "Datum (JJJJ-MM-TT) des ersten Commits mit diesem Eintrag, aus der Git-Geschichte; leer ohne Git."),
    DerivedColumn("updated", str, None, "Zuletzt geändert",
                  "Datum (JJJJ-MM-TT) des letzten Commits, der Zeilen dieses Eintrags geändert hat, aus der "
                  "Git-Geschichte; leer ohne Git."),
)


def _dates(record: Record, labels: _Labels) -> dict[str, Any]:
    """Values of ``DATE_COLUMNS``: when the record was first committed and last changed (``kb.gitdates``)."""
    dates = labels.dates.get((record.kind.name, record.id), Dates())
    return {"created": dates.created, "updated": dates.updated}


DERIVED_COLUMNS = {"case": CASE_DERIVED_COLUMNS + DATE_COLUMNS, "quote": DATE_COLUMNS, "event": DATE_COLUMNS}
# kind → function computing its DERIVED_COLUMNS for one record
DERIVED_VALUES = {"case": lambda r, labels: {**_case_derived(r, labels), **_dates(r, labels)},
                  "quote": _dates, "event": _dates}


# ---------------------------------------------------------------------------- tables


def published_records(records: dict[str, list[Record]]) -> dict[str, list[Record]]:
    """The records that go into the published database, sorted by id.

    ``visibility: internal`` records are validated but never published, and neither is a supporting
    record (person, source, organisation …) that only unpublished records reference.
    """
    referrers: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for name, rs in records.items():
        for r in rs:
            for _, field, value in iter_refs(r.kind.fields, r.data):
                referrers.setdefault((field.ref, value), set()).add((name, r.id))
    published = {(name, r.id) for name, rs in records.items() for r in rs if r.public}
    changed = True
    while changed:  # hiding a record can leave the records it references without a published referrer
        unused = {key for key in published
                  if KINDS[key[0]].supporting and key in referrers and not referrers[key] & published}
        published -= unused
        changed = bool(unused)
    return {name: sorted((r for r in rs if (name, r.id) in published), key=lambda r: r.id)
            for name, rs in records.items()}


def published_factors(records: dict[str, list[Record]]) -> list[tuple[str, str]]:
    """(id, label) of the published factors in codebook order: the columns of ``case_factor_matrix``."""
    factors = sorted(records["factor"], key=lambda r: (r.data.get("position", 0), r.id))
    return [(r.id, r.data["label"]) for r in factors]


def table_order() -> list[Kind]:
    """Kinds ordered so that each main table is created after the tables its columns reference.

    Only row columns count: link and child tables are written after all main tables. This
    allows the back reference ``factor.anchor_case`` (factors come before cases in ``KINDS``).
    """
    graph = {name: {f.ref for f in kind.fields if f.type == "ref" and f.ref != name}
             for name, kind in KINDS.items()}
    return [KINDS[name] for name in graphlib.TopologicalSorter(graph).static_order()]


def _insert(db: sqlite_utils.Database, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Plain ``executemany`` into a table sqlite-utils created: its per-row work dominated the build."""
    names = ", ".join(f"[{c}]" for c in columns)
    db.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns))})",
                        [tuple(row.get(c) for c in columns) for row in rows])


def _write_table(db: sqlite_utils.Database, kind: Kind, records: list[Record], labels: _Labels,
                 published_ids: dict[str, set[str]]) -> None:
    """The main table of a kind, with facet and derived columns and full-text index."""
    derived = DERIVED_COLUMNS.get(kind.name, ())
    facet_fields = [f for f in kind.fields if f.facet_column]
    columns = {"id": str, **_columns(kind.fields[1:]), **{f.facet_column: str for f in facet_fields},
               **{d.name: d.type for d in derived}}
    foreign_keys = _foreign_keys(kind.fields) + [(d.name, d.references, "id") for d in derived if d.references]
    # required fields and fields with a default always have a value
    not_null = {ref_column(f) if f.type == "ref" else f.name
                for f in kind.fields if f.type != "list" and (f.required or f.default is not None)}
    table = db[kind.table]
    table.create(columns, pk="id", foreign_keys=foreign_keys, not_null=not_null)
    unpublished_refs = [(ref_column(f), f.ref) for f in kind.fields if f.type == "ref"]
    rows = []
    for rowid, r in enumerate(records, start=1):  # explicit rowids: a case's search document has the same id
        row = {"rowid": rowid, "id": r.id, **_values(kind.fields[1:], r.data)}
        for column, target in unpublished_refs:  # e.g. an anchor case that is internal
            if row[column] is not None and row[column] not in published_ids[target]:
                row[column] = None
        for f in facet_fields:
            row[f.facet_column] = json.dumps(_facet_labels(f, r.data, labels), ensure_ascii=False)
        if derived:
            row.update(DERIVED_VALUES[kind.name](r, labels))
        rows.append(row)
    _insert(db, kind.table, ["rowid", *columns], rows)
    for fk_column, _, _ in foreign_keys:
        table.create_index([fk_column])
    for d in derived:
        if d.references is None:  # start_year, presented_year: facets and sorting
            table.create_index([d.name])


def _write_sub_tables(db: sqlite_utils.Database, kind: Kind, records: list[Record],
                      published_ids: dict[str, set[str]]) -> None:
    """The link and child tables of a kind (``case_fields``, ``case_factors`` …)."""
    for f in kind.fields:
        if f.is_link_list:
            _write_links(db, kind, f, records, published_ids)
        elif f.is_child_list:
            _write_children(db, kind, f, records, published_ids)


def _write_links(db: sqlite_utils.Database, kind: Kind, field: Field, records: list[Record],
                 published_ids: dict[str, set[str]]) -> None:
    parent, target = link_columns(kind, field)
    target_ids = published_ids[field.item.ref]
    rows = [{parent: r.id, target: value, "position": i}
            for r in records for i, value in enumerate(r.data.get(field.name) or []) if value in target_ids]
    table = db[child_table(kind, field)]
    table.create({parent: str, target: str, "position": int}, pk=(parent, target),
                 foreign_keys=[(parent, kind.table, "id"), (target, KINDS[field.item.ref].table, "id")])
    _insert(db, table.name, [parent, target, "position"], rows)
    table.create_index([target, parent])  # covering: facets read (value, case) pairs from the index alone


def _write_children(db: sqlite_utils.Database, kind: Kind, field: Field, records: list[Record],
                    published_ids: dict[str, set[str]]) -> None:
    parent = f"{kind.name}_id"
    members = field.item.fields
    columns = {parent: str, "position": int, **_columns(members, nested=True)}
    ref_members = [m for m in members if m.type == "ref"]
    rows = []
    for r in records:
        for i, item in enumerate(r.data.get(field.name) or []):
            hidden = {m.name for m in ref_members if item.get(m.name) and item[m.name] not in published_ids[m.ref]}
            if any(m.required for m in ref_members if m.name in hidden):
                continue  # e.g. a coding whose source is not published
            kept = {k: v for k, v in item.items() if k not in hidden}
            for m in members:
                if m.is_link_list and kept.get(m.name):  # stored as a JSON array (notes[].sources)
                    kept[m.name] = [v for v in kept[m.name] if v in published_ids[m.item.ref]]
            rows.append({parent: r.id, "position": i, **_values(members, kept, nested=True)})
    table = db[child_table(kind, field)]
    foreign_keys = [(parent, kind.table, "id"), *_foreign_keys(members)]
    table.create(columns, pk=(parent, "position"), foreign_keys=foreign_keys,
                 not_null={ref_column(m) if m.type == "ref" else m.name for m in members if m.required})
    _insert(db, table.name, list(columns), rows)
    for fk_column, _, _ in foreign_keys[1:]:
        table.create_index([fk_column, parent])  # covering for facets, as in _write_links


# ---------------------------------------------------------------------------- provenance


def temp_path(db_path: Path, pid: int) -> Path:
    """Where the build with process id ``pid`` writes before the atomic rename."""
    return db_path.with_name(f".{db_path.name}.{pid}.tmp")


def remove_stale_temp_files(db_path: Path) -> None:
    """Delete temporary files of earlier builds whose process is gone (killed builds leave them behind)."""
    prefix, suffix = f".{db_path.name}.", ".tmp"
    for file in db_path.parent.iterdir():
        pid = file.name[len(prefix):-len(suffix)]
        if file.name.startswith(prefix) and file.name.endswith(suffix) and pid.isdigit() and not _alive(int(pid)):
            file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


# ---------------------------------------------------------------------------- entry point


def build_database(data_dir: Path | str, db_path: Path | str, progress: Progress | None = None) -> BuildReport:
    """Validate ``data_dir`` and atomically (re)write ``db_path``.

    Raises ``DataError`` with every problem when the data is invalid; the existing
    database is then left untouched. ``progress`` hears of each stage (``kb.progress``).
    """
    started = time.perf_counter()
    data_dir, db_path = Path(data_dir), Path(db_path)
    progress = progress or (lambda stage, done, total: None)
    result, problems = validate_dir(data_dir, progress, db_path)
    if errors(problems):
        raise DataError(errors(problems))
    records = published_records(result.records)
    labels = _Labels(records, record_dates(data_dir, records, DATED_KINDS))
    published_ids = {name: {r.id for r in rs} for name, rs in records.items()}

    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(db_path)
    tmp_path = temp_path(db_path, os.getpid())
    tmp_path.unlink(missing_ok=True)
    conn = None
    try:
        conn = sqlite3.connect(tmp_path)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA page_size = 16384")
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        with db.atomic():
            order = table_order()
            for done, kind in enumerate(order):
                progress("Tabellen schreiben", done, len(order))
                _write_table(db, kind, records[kind.name], labels, published_ids)
            for kind in KINDS.values():
                _write_sub_tables(db, kind, records[kind.name], published_ids)
            progress("Suchindex schreiben", 0, 1)
            write_search_index(db, records, labels)
            for view in views(published_factors(records)):
                db.create_view(view.name, view.sql.strip())
            counts = {kind.table: len(records[kind.name]) for kind in KINDS.values()}
            db["build_info"].insert({
                "id": 1,
                **provenance(data_dir),
                "data_fingerprint": result.fingerprint,
                "schema_version": SCHEMA_VERSION,
                "kb_version": kb.__version__,
                "sqlite_version": sqlite3.sqlite_version,
                "counts": json.dumps(counts, ensure_ascii=False),
            }, pk="id")
        progress("Verweise prüfen", 0, 1)
        violations = db.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise RuntimeError(f"foreign key violations after build: {violations[:5]}")
        db.execute("ANALYZE")
        conn.commit()
        conn.close()
        with open(tmp_path, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp_path, db_path)
        write_manifest(db_path, data_dir, result.files)
        ParseCache(db_path).store(result.files, result.clean)
    except sqlite3.OperationalError as exc:  # unwritable folder, full disk …
        raise BuildError(f"Datenbank {tmp_path} konnte nicht geschrieben werden: {sqlite_error_text(exc)}") from exc
    finally:
        if conn is not None:
            conn.close()
        tmp_path.unlink(missing_ok=True)
    return BuildReport(db_path, counts, time.perf_counter() - started)
