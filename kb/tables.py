"""Every published table as the analysts see it: columns with German title, description and type, keys.

Derived from ``kb.model`` through ``kb.build``'s layout (main, link and child tables, derived columns),
plus ``build_info``. ``metadata.yml`` (``kb.site``) and ``datapackage.json`` (``kb.package``) both read it;
a test checks it against the columns of a built database.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from kb.build import DATE_COLUMNS, DERIVED_COLUMNS, _stored_in_row, child_table, link_columns, ref_column
from kb.columns import CODED, Column, from_field, precision_column
from kb.model import KINDS, SLUG_PATTERN, Field, Kind


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, table): the column holds that table's id


def _ref_title(title: str) -> str:
    return f"{title} (Kennung)"


def _row_columns(fields: tuple[Field, ...], nested: bool = False) -> list[Column]:
    """The columns ``kb.build`` stores for these fields, in the same order."""
    out: list[Column] = []
    for f in fields:
        if not _stored_in_row(f, nested):
            continue
        if f.type == "ref":
            out.append(from_field(f, ref_column(f), _ref_title(f.title),
                                  f"{f.description} (Verweis auf {KINDS[f.ref].title})".lstrip()))
        elif f.type == "list":
            out.append(from_field(f, description=f"{f.description} (JSON-Liste)".lstrip()))
        else:
            out.append(from_field(f))
        if f.type == "partial_date":
            out.append(precision_column(out[-1]))
    return out


def _foreign_keys(fields: tuple[Field, ...]) -> list[tuple[str, str]]:
    return [(ref_column(f), KINDS[f.ref].table) for f in fields if f.type == "ref"]


def _main_table(kind: Kind) -> Table:
    columns = _row_columns(kind.fields)
    columns += [Column(f.facet_column, f"{f.title} (Bezeichnungen)",
                       f"{f.title} als JSON-Liste der Bezeichnungen (für Facetten).", type="array", required=True)
                for f in kind.fields if f.facet_column]
    foreign_keys = _foreign_keys(kind.fields)
    dates = {d.name for d in DATE_COLUMNS}
    for d in DERIVED_COLUMNS.get(kind.name, ()):
        if d.references:
            columns.append(Column(d.name, _ref_title(d.title), d.description, pattern=SLUG_PATTERN))
            foreign_keys.append((d.name, d.references))
        else:
            columns.append(Column(d.name, d.title, d.description,
                                  type="date" if d.name in dates else "integer" if d.type is int else "string"))
    return Table(kind.table, kind.title, kind.description, tuple(columns), ("id",), tuple(foreign_keys))


# German singular of the kinds that have link or child tables (the model's titles are plural).
_SINGULAR = {"municipality": "Kommune", "organization": "Organisation", "person": "Person", "series": "Reihe",
             "event": "Veranstaltung", "case": "Praxisbeispiel", "quote": "Aussage"}


def _parent(kind: Kind) -> Column:
    return Column(f"{kind.name}_id", _ref_title(_SINGULAR.get(kind.name, kind.title)), f"Verweis auf {kind.title}",
                  required=True, pattern=SLUG_PATTERN)


_POSITION = Column("position", "Position", "Reihenfolge in der Quelldatei", type="integer", required=True, minimum=0)


# Columns with verbatim quotations (§ 51 UrhG), and what a row of a table means for analysts.
_QUOTATIONS = {("quotes", "text"), ("case_factors", "evidence")}
_NOTES = {"case_factors": f"Eine Zeile je Praxisbeispiel und Erfolgsfaktor mit Beleg; als Matrix: {CODED}.",
          "quotes": "Nur speech = direct ist ein wörtliches Zitat; indirect ist der Satz eines Berichts."}


def _annotated(table: Table) -> Table:
    columns = tuple(replace(c, quotation=True) if (table.name, c.name) in _QUOTATIONS else c for c in table.columns)
    note = _NOTES.get(table.name)
    return replace(table, columns=columns, description=f"{table.description} {note}" if note else table.description)


def _sub_tables(kind: Kind) -> list[Table]:
    tables = []
    for f in kind.fields:
        if f.is_link_list:
            parent, target = link_columns(kind, f)
            target_kind = KINDS[f.item.ref]
            parent_column = _parent(kind)
            target_title = _ref_title(f.item.title)
            if target_title == parent_column.title:  # quote_variants: Aussage × Aussage
                target_title = _ref_title(f.title)
            tables.append(Table(
                child_table(kind, f), f"{kind.title}: {f.title}",
                f"Verknüpfung {kind.title} × {target_kind.title}: {f.description}",
                (parent_column, Column(target, target_title, f"Verweis auf {target_kind.title}",
                                       required=True, pattern=SLUG_PATTERN), _POSITION),
                (parent, target), ((parent, kind.table), (target, target_kind.table))))
        elif f.is_child_list:
            members = f.item.fields
            tables.append(Table(
                child_table(kind, f), f"{kind.title}: {f.title}", f"{f.title} je Eintrag in {kind.title}: {f.description}",
                (_parent(kind), _POSITION, *_row_columns(members, nested=True)),
                (f"{kind.name}_id", "position"), ((f"{kind.name}_id", kind.table), *_foreign_keys(members))))
    return tables


BUILD_INFO = Table(
    "build_info", "Build-Informationen",
    "Woraus diese Datenbank gebaut wurde: Datenversion, Datenstand, Commits, Repository, Prüfsumme und Anzahlen. "
    "Derselbe Commit ergibt dieselbe Datei (kein Zeitstempel des Builds).",
    (Column("id", "Kennung", "immer 1", type="integer", required=True),
     Column("data_version", "Datenversion", "Release JJJJ.MM.N (Git-Tag vJJJJ.MM.N); nach Änderungen seit dem "
            "letzten Release mit angehängtem +Commit, bei nicht eingecheckten Änderungen +dirty", required=True),
     Column("data_date", "Stand", "Datum des letzten Commits, der die Daten geändert hat (JJJJ-MM-TT); der „Stand“ "
            "in Zitierhinweisen", type="date", required=True),
     Column("data_commit", "Daten-Commit", "letzter Git-Commit, der data/ geändert hat"),
     Column("head_commit", "HEAD-Commit", "Git-Commit, aus dem gebaut wurde"),
     Column("repository", "Repository", "öffentliche Adresse des Quellcode- und Daten-Repositorys", format="uri"),
     Column("data_fingerprint", "Prüfsumme der Daten", "SHA-256 über alle Datendateien", required=True),
     Column("schema_version", "Schemaversion", "Version des Datenbankschemas", type="integer", required=True),
     Column("kb_version", "kb-Version", "Version des Pakets kooperationswissen", required=True),
     Column("sqlite_version", "SQLite-Version", "beim Build", required=True),
     Column("counts", "Anzahlen", "Anzahl der Datensätze je Tabelle (JSON)", type="object", required=True)),
    ("id",))


def tables() -> list[Table]:
    """Every published table except the search index, in build order of the kinds."""
    out: list[Table] = []
    for kind in KINDS.values():
        out.append(_main_table(kind))
        out += _sub_tables(kind)
    return [*(_annotated(t) for t in out), BUILD_INFO]
