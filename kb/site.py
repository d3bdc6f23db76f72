"""Generated artefacts: ``metadata.yml`` for Datasette and JSON Schema files for editors.

Both are derived from ``kb.model`` and the table layout in ``kb.build``; tests fail when the
checked-in copies are stale (run ``kb generate`` to refresh them).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from kb.build import DERIVED_COLUMNS, child_table, link_columns, ref_column
from kb.model import KINDS, PARTIAL_DATE_PATTERN, SLUG_PATTERN, Field, Kind
from kb.search import hits_sql
from kb.views import VIEWS

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
  kb_snippet(d.body, :q) as ausschnitt,
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
select fa.label as faktor_a, fb.label as faktor_b, count(distinct a.case_id) as praxisbeispiele
from case_factors a
join case_factors b on a.case_id = b.case_id and a.factor_id < b.factor_id
join factors fa on fa.id = a.factor_id
join factors fb on fb.id = b.factor_id
group by a.factor_id, b.factor_id
order by praxisbeispiele desc, faktor_a, faktor_b
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


def _column_description(field: Field) -> str:
    return f"{field.title}: {field.description}" if field.description else field.title


def _table_entry(kind: Kind) -> dict[str, Any]:
    columns = {"id": _column_description(kind.field("id"))}
    for f in kind.fields[1:]:
        if f.type == "ref":
            columns[ref_column(f)] = _column_description(f) + f" (Verweis auf {KINDS[f.ref].title})"
        elif f.type == "list" and f.item.type not in ("ref", "object"):
            columns[f.name] = _column_description(f) + " (JSON-Liste)"
        elif f.type not in ("list", "object"):
            columns[f.name] = _column_description(f)
        if f.facet_column:
            columns[f.facet_column] = f"{f.title} als JSON-Liste der Bezeichnungen (für Facetten)."
    columns.update({d.name: d.description for d in DERIVED_COLUMNS.get(kind.name, ())})
    entry: dict[str, Any] = {"title": kind.title, "description": kind.description, "columns": columns,
                             "label_column": kind.label}
    if kind.table in TABLE_FACETS:
        entry["facets"] = TABLE_FACETS[kind.table]
    if kind.table == "cases":
        entry["size"] = 30
    sortable = [c for c in ("title", "name", "label", "date", "start_year", "presented_year", "position", "id")
                if c in columns]
    entry["sortable_columns"] = sortable
    return entry


def _sub_tables(kind: Kind) -> dict[str, Any]:
    tables = {}
    for f in kind.fields:
        if f.is_link_list:
            parent, target = link_columns(kind, f)
            tables[child_table(kind, f)] = {
                "title": f"{kind.title}: {f.title}",
                "description": f"Verknüpfung {kind.title} × {KINDS[f.item.ref].title}: {f.description}",
                "columns": {parent: f"Verweis auf {kind.title}", target: f"Verweis auf {KINDS[f.item.ref].title}",
                            "position": "Reihenfolge in der Quelldatei"},
            }
        elif f.is_child_list:
            columns = {f"{kind.name}_id": f"Verweis auf {kind.title}", "position": "Reihenfolge in der Quelldatei"}
            for m in f.item.fields:
                name = ref_column(m) if m.type == "ref" else m.name
                columns[name] = _column_description(m) + (" (JSON-Liste)" if m.type == "list" else "")
            tables[child_table(kind, f)] = {"title": f"{kind.title}: {f.title}",
                                           "description": f"{f.title} je Eintrag in {kind.title}: {f.description}",
                                           "columns": columns}
    return tables


def metadata() -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for kind in KINDS.values():
        tables[kind.table] = _table_entry(kind)
        tables.update(_sub_tables(kind))
    tables["search_documents"] = {
        "title": "Suchindex",
        "description": "Ein Eintrag je durchsuchbarem Datensatz (Praxisbeispiele, Zitate, Erfolgsfaktoren, "
                       "Organisationen, Veranstaltungen); die Abfrage „suche“ durchsucht ihn gerankt.",
        "columns": {"id": "Laufende Nummer (rowid der Suchtabellen)", "kind": "Art des Datensatzes (englische Kennung)",
                    "kind_label": "Art des Datensatzes", "table_name": "Tabelle des Datensatzes",
                    "record_id": "Kennung des Datensatzes", "title": "Titel oder Sprecher/in",
                    "body": "Durchsuchter Text"},
    }
    for view in VIEWS:
        tables[view.name] = {"title": view.title, "description": view.description, "columns": view.columns}
    tables["build_info"] = {
        "title": "Build-Informationen",
        "description": "Woraus und wann diese Datenbank gebaut wurde.",
        "columns": {"id": "Immer 1", "data_commit": "Git-Commit der Daten", "data_fingerprint":
                    "SHA-256 über alle Datendateien", "built_at": "Zeitpunkt des Builds (UTC)",
                    "schema_version": "Version des Datenbankschemas", "kb_version": "Version des Pakets kooperationswissen",
                    "sqlite_version": "SQLite-Version beim Build", "counts": "Anzahl der Datensätze je Tabelle (JSON)"},
    }
    return {
        "title": "Kooperationswissen",
        "description": "Offene Wissensbasis gelingender kommunaler Kooperation: Praxisbeispiele, Erfolgsfaktoren "
                       "und Zitate aus Fachveranstaltungen für kommunale Koordinatorinnen und Koordinatoren der "
                       "Bildungsangebote für Neuzugewanderte. Jede Angabe nennt ihre öffentliche Quelle.",
        "license": "CC BY 4.0",
        "license_url": "https://creativecommons.org/licenses/by/4.0/deed.de",
        "source": "Kuratierte YAML-Daten (data/) aus öffentlichen Quellen, siehe Tabelle „Quellen“",
        "databases": {DATABASE: {
            "title": "Kooperationswissen",
            "description": "Alle veröffentlichten Daten in einer SQLite-Datei; SQL, JSON und CSV stehen offen.",
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
                                       "codiert sind.", "sql": COOCCURRENCE_SQL},
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


def codebook(data_dir: Path) -> str:
    """docs/codebook.md: coding protocol and the success-factor codebook with anchor examples and counts."""
    from kb.load import kind_files, load_file

    def records(kind: str) -> list[dict[str, Any]]:
        out = []
        for file in kind_files(data_dir, KINDS[kind]):
            out.extend(r.data for r in load_file(file, KINDS[kind])[0])
        return sorted(out, key=lambda r: (r.get("position", 0), r["id"]))

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
             "Erzeugt mit `kb generate` aus `data/vocabularies/factor_groups.yaml`, `factors.yaml` und den "
             "Codierungen in `data/cases/`. „Begriffe aus den Quellen“ sind die Rohbegriffe, die der Faktor "
             "zusammenfasst; die Suche nutzt sie als Synonyme.", "", CODING_RULES,
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
