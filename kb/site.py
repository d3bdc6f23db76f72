"""Generated artefacts: ``metadata.yml`` for Datasette and JSON Schema files for editors.

Both are derived from ``kb.model`` and the table layout in ``kb.build``; tests fail when the
checked-in copies are stale (run ``kb generate`` to refresh them).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import yaml

from kb.build import DERIVED_COLUMNS, ref_column
from kb.charts import dashboard_config
from kb.columns import CODED
from kb.model import KINDS, PARTIAL_DATE_PATTERN, SLUG_PATTERN, Field, Kind
from kb.search import hits_sql
from kb.search_index import BODY_SQL
from kb.tables import BUILD_INFO, Table, tables as all_tables
from kb.views import views

DATABASE = "kb"
REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = Path("docs") / "schemas"
METADATA_FILE = Path("metadata.yml")
CODEBOOK_FILE = Path("docs") / "codebook.md"

SEARCH_SQL = f"""\
with {hits_sql("kb_match(:q)", "kb_trigram(:q)")}
select
  d.kind_label as art,
  d.title as titel,
  kb_snippet({BODY_SQL}, :q) as ausschnitt,
  '/kb/' || d.table_name || '/' || d.record_id as link
from (select rowid, score from best order by score, rowid limit 100) top
join search_documents d on d.id = top.rowid
order by top.score, d.id
"""

CASES_BY_FACTOR_SQL = """\
select f.label as erfolgsfaktor, c.title as praxisbeispiel, m.name as kommune, cf.evidence as beleg,
  s.url as quelle
from case_factors cf
join factors f on f.id = cf.factor_id
join cases c on c.id = cf.case_id
join municipalities m on m.id = c.municipality_id
join sources s on s.id = cf.source_id
where :faktor = '' or f.id = :faktor or f.label = :faktor
order by f.position, c.title
"""

COOCCURRENCE_SQL = """\
select factor_a as faktor_a, factor_b as faktor_b, cases_both as praxisbeispiele, jaccard,
  shared_cases as gemeinsame_praxisbeispiele
from factor_cooccurrence
order by praxisbeispiele desc, jaccard desc, faktor_a, faktor_b
"""

CASE_FACETS: list[Any] = [{"kb": "filter"}]  # every case filter, counted by kb.datasette.case_list
TABLE_FACETS: dict[str, list[Any]] = {
    "cases": CASE_FACETS,
    "quotes": ["speech", "speaker_id", "event_id", "source_id"],
    "factors": ["group_id"],
    "municipalities": ["state_id", "kind_id"],
    "organizations": ["actor_type_id", "municipality_id"],
    "events": ["series_id", "municipality_id"],
    "sources": ["kind", "publisher"],
}

def column_titles() -> dict[str, dict[str, str]]:
    """table → column → short German title, for facet headings on the site."""
    titles: dict[str, dict[str, str]] = {}
    for kind in KINDS.values():
        columns = titles.setdefault(kind.table, {})
        for f in kind.fields:
            if f.type == "ref":
                columns[ref_column(f)] = f.title
            elif f.type not in ("list", "object"):
                columns[f.name] = f.title
            if f.facet_column:
                columns[f.facet_column] = f.title
        columns.update({d.name: d.title for d in DERIVED_COLUMNS.get(kind.name, ())})
    titles["cases"]["partner_types"] = "Partnertypen"
    return titles


QUOTATION_LICENSE = {
    "license": "Wörtliche Zitate: Zitatrecht (§ 51 UrhG), Rechte bei den Urheberinnen und Urhebern; "
               "übrige Texte der Redaktion: CC BY 4.0",
    "license_url": "https://www.gesetze-im-internet.de/urhg/__51.html",
    "source": "Die in jeder Zeile genannte öffentliche Quelle (Spalte source_id oder source_url)",
}


def _columns(columns) -> dict[str, str]:
    return {c.name: c.text for c in columns}


def _quotation_rights(entry: dict[str, Any], columns) -> dict[str, Any]:
    """Tables holding verbatim quotations say so, with § 51 UrhG and where the source is named."""
    return {**entry, **QUOTATION_LICENSE} if any(c.quotation for c in columns) else entry


def _table_entry(table: Table, kind: Kind | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"title": table.title, "description": table.description,
                             "columns": _columns(table.columns)}
    if kind is not None:
        entry["label_column"] = kind.label
        if kind.table in TABLE_FACETS:
            entry["facets"] = TABLE_FACETS[kind.table]
        if kind.table == "cases":
            entry["size"] = 30
        entry["sortable_columns"] = [c for c in ("title", "name", "label", "date", "start_year", "presented_year",
                                                 "position", "id") if c in entry["columns"]]
    return _quotation_rights(entry, table.columns)


def factor_vocabulary(data_dir: Path) -> list[tuple[str, str]]:
    """(id, label) of the published factors in codebook order, as ``kb.build.published_factors`` sees them."""
    return [(f["id"], f["label"]) for f in _records(data_dir, "factor") if f.get("visibility", "public") == "public"]


def metadata(factors: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """metadata.yml; ``factors`` (default: the bundled vocabulary) give the columns of case_factor_matrix."""
    if factors is None:
        factors = factor_vocabulary(REPO_ROOT / "data")
    kinds = {kind.table: kind for kind in KINDS.values()}
    tables: dict[str, Any] = {t.name: _table_entry(t, kinds.get(t.name)) for t in all_tables() if t.name != "build_info"}
    tables["search_documents"] = {
        "title": "Suchindex",
        "description": "Ein Eintrag je durchsuchbarem Datensatz (Praxisbeispiele, Zitate, Erfolgsfaktoren, "
                       "Organisationen, Veranstaltungen); die Abfrage „suche“ durchsucht ihn gerankt.",
        "columns": {"id": "Laufende Nummer (rowid der Suchtabellen)", "kind": "Art des Datensatzes (englische Kennung)",
                    "kind_label": "Art des Datensatzes", "table_name": "Tabelle des Datensatzes",
                    "record_id": "Kennung des Datensatzes", "title": "Titel oder Sprecher/in",
                    "body": "Durchsuchter Text (bei Praxisbeispielen leer: deren Text steht in der Tabelle cases)"},
    }
    for view in views(factors):
        tables[view.name] = _quotation_rights({"title": view.title, "description": view.description,
                                               "columns": _columns(view.columns)}, view.columns)
    tables[BUILD_INFO.name] = _table_entry(BUILD_INFO, None)
    return {
        "title": "Kooperationswissen",
        "description": "Offene Wissensbasis gelingender kommunaler Kooperation: Praxisbeispiele, Erfolgsfaktoren "
                       "und Zitate aus Fachveranstaltungen für kommunale Koordinatorinnen und Koordinatoren der "
                       "Bildungsangebote für Neuzugewanderte. Jede Angabe nennt ihre öffentliche Quelle.",
        "license": "CC BY 4.0",
        "license_url": "https://creativecommons.org/licenses/by/4.0/deed.de",
        "source": "Kuratierte YAML-Daten (data/) aus öffentlichen Quellen, siehe Tabelle „Quellen“",
        "plugins": {"datasette-dashboards": dashboard_config()},
        "databases": {DATABASE: {
            "title": "Kooperationswissen",
            "description": "Alle veröffentlichten Daten in einer SQLite-Datei; SQL, JSON und CSV stehen offen. "
                           f"Codierungen der Erfolgsfaktoren: {CODED}.",
            "tables": tables,
            "queries": {
                "suche": {"title": "Suche", "description": "Durchsucht Praxisbeispiele, Zitate, Erfolgsfaktoren, "
                          "Organisationen und Veranstaltungen, gerankt und mit hervorgehobenem Ausschnitt. Findet "
                          "auch Wortformen, Umlaut-Schreibweisen (Gefluechtete) und Wortteile (kurs → Sprachkurs).",
                          "sql": SEARCH_SQL, "hide_sql": True},
                "faelle_nach_faktor": {"title": "Praxisbeispiele nach Erfolgsfaktor",
                                       "description": "Welche Praxisbeispiele einen Erfolgsfaktor belegen, mit Beleg "
                                       "und Quelle. Leer lassen für alle.", "sql": CASES_BY_FACTOR_SQL},
                "faktor_kookkurrenz": {"title": "Gemeinsam auftretende Erfolgsfaktoren",
                                       "description": "Wie oft zwei Erfolgsfaktoren im selben Praxisbeispiel "
                                       "mit Beleg codiert sind, mit Jaccard-Index und den gemeinsamen "
                                       "Praxisbeispielen (Sicht factor_cooccurrence).", "sql": COOCCURRENCE_SQL},
            },
        }},
    }


# ---------------------------------------------------------------------------- JSON Schema


def _field_schema(field: Field) -> dict[str, Any]:
    schema: dict[str, Any] = {"title": field.title}
    if field.description:
        schema["description"] = field.description
    t = field.type
    if t in ("str", "text"):
        schema["type"] = "string"
        if field.pattern:
            schema["pattern"] = field.pattern
    elif t in ("slug", "ref"):
        schema.update(type="string", pattern=SLUG_PATTERN)
    elif t == "url":
        schema.update(type="string", format="uri", pattern=r"^https?://")
    elif t == "date":
        schema.update(type="string", format="date")
    elif t == "partial_date":
        schema.update(type=["string", "integer"], pattern=PARTIAL_DATE_PATTERN)
    elif t in ("int", "float"):
        schema["type"] = "integer" if t == "int" else "number"
        if field.minimum is not None:
            schema["minimum"] = field.minimum
        if field.maximum is not None:
            schema["maximum"] = field.maximum
    elif t == "bool":
        schema["type"] = "boolean"
    elif t == "enum":
        schema["enum"] = list(field.choices)
    elif t == "list":
        schema.update(type="array", items=_field_schema(field.item))
        if field.min_items:
            schema["minItems"] = field.min_items
        if field.item.type in ("ref", "str"):
            schema["uniqueItems"] = True
    elif t == "object":
        schema.update(_object_schema(field.fields))
    if field.default is not None:
        schema["default"] = field.default
    return schema


def _object_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def json_schema(kind: Kind) -> dict[str, Any]:
    record = _object_schema(kind.fields)
    if kind.one_of:
        record["anyOf"] = [{"required": [name]} for group in kind.one_of for name in group]
    record.update(title=kind.title, description=kind.description)
    if kind.layout == "one":
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **record}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": kind.title,
            "description": kind.description, "type": "array", "items": record}


# ---------------------------------------------------------------------------- files


CODING_RULES = """\
## Codierprotokoll

Diese Regeln gelten für jede Codierung eines Erfolgsfaktors in einem Praxisbeispiel (`factors` in
`data/cases/*.yaml`).

1. **Der Beleg zeigt den Faktor in diesem Praxisbeispiel am Werk.** Er beschreibt, was die Beteiligten in diesem
   Fall getan haben oder wie sie zusammengearbeitet haben, so dass der Faktor erkennbar wird.
2. **Kein Beleg** sind eine Überschrift, ein Tagesordnungspunkt oder Workshoptitel, eine Absicht oder ein Plan
   („soll“, „wird“, „ist geplant“) und allgemeine Aussagen über Kooperation, die sich nicht auf das Beispiel
   beziehen (etwa vom Podium einer Tagung). Solche Aussagen gehören als Zitat oder Aussage laut Bericht in
   `data/quotes/`, nicht in eine Codierung.
3. **Wörtlich oder umschrieben.** `verbatim: true`, wenn der Beleg ein wörtliches Zitat aus der Quelle ist; es steht
   dann in „…“, Auslassungen als […], und höchstens eine kurze Angabe in eigenen Worten nennt, wer spricht.
   `verbatim: false`, wenn der Beleg die Quelle in eigenen Worten wiedergibt (einzelne zitierte Begriffe in „…“ sind
   dabei erlaubt); er behält die Zeitform der Quelle (ein Plan bleibt ein Plan).
4. **Eine Codierung je Praxisbeispiel und Faktor.** Belegen mehrere Stellen derselben Quelle denselben Faktor, stehen
   sie zusammen in einer Codierung; stammen sie aus verschiedenen Quellen, bleibt der stärkere Beleg (eine Codierung
   hat genau eine Quelle). `kb validate` meldet eine zweite Codierung desselben Faktors.
5. **1 heißt belegt, 0 heißt nicht berichtet.** Eine Codierung (1) bedeutet: der Faktor ist mit Beleg als
   vorhanden codiert. Keine Codierung (0) bedeutet nur, dass die gelesenen Quellen nichts dazu berichten, nie,
   dass der Faktor fehlt.
6. **Jede Codierung nennt ihre Quelle** (`source`), und diese Quelle steht auch in den Quellen des Beispiels.
7. **Ankerbeispiel und Abdeckung.** Jeder Faktor mit Codierungen nennt ein Ankerbeispiel (`anchor_case`), dessen
   Beleg zeigt, was als Beleg zählt. Ein Faktor ohne Codierung erklärt in `coverage_note`, warum die Quellen keinen
   Beleg hergeben; sobald ein Praxisbeispiel ihn codiert, verlangt `kb validate`, die Anmerkung zu löschen.
"""


def _records(data_dir: Path, kind: str) -> list[dict[str, Any]]:
    """The records of a kind as loaded from YAML, in codebook order (position, id)."""
    from kb.load import kind_files, load_file

    out = []
    for file in kind_files(data_dir, KINDS[kind]):
        out.extend(r.data for r in load_file(file, KINDS[kind])[0])
    return sorted(out, key=lambda r: (r.get("position", 0), r["id"]))


_DB_RECORDS = {
    "case": "select id, title, 'public' as visibility from cases order by id",
    "source": "select id, title, url from sources order by id",
    "factor": "select f.*, group_id as \"group\", anchor_case_id as anchor_case from factors f "
              "order by coalesce(position, 0), id",
    "factor_group": "select * from factor_groups order by coalesce(position, 0), id",
}


def _db_records(conn: sqlite3.Connection, kind: str) -> list[dict[str, Any]]:
    """Records of a built database in the shape ``_records`` reads them from YAML (for the codebook)."""
    cursor = conn.execute(_DB_RECORDS[kind])
    names = [d[0] for d in cursor.description]
    out = [{k: v for k, v in zip(names, row) if v is not None} for row in cursor.fetchall()]
    if kind == "factor":
        for f in out:
            f["alt_labels"] = json.loads(f.get("alt_labels") or "[]")
    if kind == "case":
        codings: dict[str, list[dict[str, Any]]] = {}
        for case_id, factor, evidence, verbatim, source in conn.execute(
                "select case_id, factor_id, evidence, verbatim, source_id from case_factors order by case_id, position"):
            codings.setdefault(case_id, []).append(
                {"factor": factor, "evidence": evidence, "verbatim": bool(verbatim), "source": source})
        for case in out:
            case["factors"] = codings.get(case["id"], [])
    return out


ANALYSIS_NOTE = f"""\
## Für Analysen

Die Codierungen stehen in der Tabelle `case_factors` (eine Zeile je Praxisbeispiel und Faktor, mit Beleg und
Quelle) und als Matrix in der Sicht `case_factor_matrix`: eine Zeile je Praxisbeispiel, eine Spalte je Faktor (die
Kennung mit `_` statt `-`), {CODED}. `case_factors_long` enthält dieselben Werte im langen Format,
`factor_cooccurrence` die gemeinsam codierten Paare mit Jaccard-Index.
"""


def codebook(source: Path | sqlite3.Connection) -> str:
    """The coding protocol and the success-factor codebook with anchor examples and counts, from the YAML
    data (docs/codebook.md) or from a built database (the copy in the data package)."""
    def records(kind: str) -> list[dict[str, Any]]:
        return _records(source, kind) if isinstance(source, Path) else _db_records(source, kind)

    origin = ("Erzeugt mit `kb generate` aus `data/vocabularies/factor_groups.yaml`, `factors.yaml` und den "
              "Codierungen in `data/cases/`." if isinstance(source, Path) else
              "Erzeugt mit `kb export` aus der veröffentlichten Datenbank.")
    cases = {c["id"]: c for c in records("case") if c.get("visibility", "public") == "public"}
    sources = {s["id"]: s for s in records("source")}
    codings: dict[str, dict[str, dict[str, Any]]] = {}  # factor → case → coding
    for case in cases.values():
        for coding in case.get("factors") or []:
            codings.setdefault(coding["factor"], {}).setdefault(case["id"], coding)

    def anchor(factor: dict[str, Any]) -> str:
        coding = codings.get(factor["id"], {}).get(factor.get("anchor_case"))
        if not coding:
            return ""
        source = sources.get(coding["source"], {})
        kind = "wörtlich" if coding.get("verbatim") else "in eigenen Worten"
        return (f"- **Ankerbeispiel:** {cases[factor['anchor_case']]['title']} (`{factor['anchor_case']}`): "
                f"{coding['evidence']} ({kind}; Quelle: [{source.get('title', coding['source'])}]"
                f"({source.get('url', '')}))")

    factors = records("factor")
    lines = ["# Codebuch und Codierprotokoll der Erfolgsfaktoren", "",
             f"{origin} „Begriffe aus den Quellen“ sind die Rohbegriffe, die der Faktor "
             "zusammenfasst; die Suche nutzt sie als Synonyme.", "", CODING_RULES, ANALYSIS_NOTE,
             "## Übersicht", "", "| Erfolgsfaktor | Gruppe | Praxisbeispiele |", "|---|---|---:|"]
    groups = records("factor_group")
    lines += [f"| {f['label']} | {g['label']} | {len(codings.get(f['id'], {}))} |"
              for g in groups for f in factors if f["group"] == g["id"]]
    lines.append("")
    for group in groups:
        lines += [f"## {group['label']} ({group.get('label_en', '')})", "", group.get("description", ""), ""]
        for f in (f for f in factors if f["group"] == group["id"]):
            count = len(codings.get(f["id"], {}))
            lines += [f"### {f['label']} (`{f['id']}`)", "", f"*{f['label_en']}*: {f['definition']}", ""]
            details = [
                f"- **Was als Beleg zählt:** {f['evidence_rule']}" if f.get("evidence_rule") else "",
                f"- **Was nicht als Beleg zählt:** {f['not_evidence']}" if f.get("not_evidence") else "",
                anchor(f),
                "- **Begriffe aus den Quellen:** " + "; ".join(f["alt_labels"]) if f.get("alt_labels") else "",
                f"- **Codierungen:** {count} Praxisbeispiel{'e' if count != 1 else ''}",
                f"- **Warum ohne Praxisbeispiel:** {f['coverage_note']}" if f.get("coverage_note") else "",
            ]
            lines += [*filter(None, details), ""]
    return "\n".join(lines).rstrip() + "\n"


def generated_files() -> dict[Path, str]:
    """Relative path → expected content of every generated file."""
    files = {CODEBOOK_FILE: codebook(REPO_ROOT / "data"), METADATA_FILE: "# Generated by `kb generate` from kb/model.py and kb/site.py: do not edit by hand.\n"
             + yaml.safe_dump(metadata(), allow_unicode=True, sort_keys=False, width=110)}
    for kind in KINDS.values():
        files[SCHEMA_DIR / f"{kind.name}.schema.json"] = json.dumps(json_schema(kind), ensure_ascii=False,
                                                                    indent=2) + "\n"
    return files


def stale_files(root: Path) -> list[Path]:
    return [path for path, content in generated_files().items()
            if not (root / path).exists() or (root / path).read_text(encoding="utf-8") != content]


def write_generated(root: Path) -> list[Path]:
    written = []
    for path, content in generated_files().items():
        target = root / path
        if not target.exists() or target.read_text(encoding="utf-8") != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
            written.append(path)
    return written
