"""Views for analysts: the common questions as flat tables (also as CSV), on top of the link tables.

Coding semantics everywhere: 1 = the factor is coded present with evidence, 0 = not reported. A missing coding
never means that a factor is absent, only that the sources read say nothing about it.

``views(factors)`` is called at build time with the factor vocabulary: ``case_factor_matrix`` gets one column
per factor, so a new factor in the codebook adds a column without touching this file.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from kb.columns import CODED, PRECISION_SUFFIX, PRECISIONS, Column
from kb.model import SLUG_PATTERN

_ID = {"pattern": SLUG_PATTERN}
_PRECISION = tuple(PRECISIONS.values())


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str
    sql: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, table): the column holds that table's id


def _id(name: str, title: str, description: str = "", required: bool = True) -> Column:
    return Column(name, title, description, required=required, **_ID)


def _count(name: str, title: str, description: str = "") -> Column:
    return Column(name, title, description, type="integer", required=True, minimum=0)


def _precision(name: str, title: str) -> Column:
    return Column(name + PRECISION_SUFFIX, f"{title} (Genauigkeit)", "Jahr, Monat oder Tag", enum=_PRECISION)


def _text(name: str, title: str, description: str = "", required: bool = False) -> Column:
    return Column(name, title, description, required=required)


def _url(name: str, title: str, description: str = "", required: bool = False) -> Column:
    return Column(name, title, description, required=required, format="uri")


def _ordered_list(select: str, separator: str = "; ") -> str:
    """``group_concat`` in the order of ``select`` (SQLite < 3.44 has no ORDER BY inside the aggregate)."""
    return f"(select group_concat(v, '{separator}') from ({select}))"


def matrix_column(factor_id: str) -> str:
    """Column of a factor in ``case_factor_matrix``: the id with ``_`` for ``-`` (a valid name in R and pandas)."""
    return factor_id.replace("-", "_")


def _matrix(factors: Sequence[tuple[str, str]]) -> View:
    names = [matrix_column(f) for f, _ in factors]
    if len(set(names)) != len(names):
        raise ValueError(f"Erfolgsfaktoren ergeben dieselbe Spalte in case_factor_matrix: {sorted(names)}")
    pivot = "".join(f",\n  max(cf.factor_id is '{f}') as {matrix_column(f)}" for f, _ in factors)
    return View(
        "case_factor_matrix", "Matrix Praxisbeispiel × Erfolgsfaktor (für QCA)",
        "Eine Zeile je Praxisbeispiel, eine Spalte je Erfolgsfaktor des Codebuchs (in Codebuch-Reihenfolge; die "
        "Spalte heißt wie die Kennung des Faktors, mit _ statt -). " + CODED + ". Die Spalten entstehen beim Build "
        "aus dem Codebuch: ein neuer Erfolgsfaktor ergibt eine neue Spalte.",
        f"""
select c.id as case_id, c.title as case_title{pivot}
from cases c left join case_factors cf on cf.case_id = c.id
group by c.id order by c.id""",
        (_id("case_id", "Praxisbeispiel (Kennung)"), _text("case_title", "Praxisbeispiel", required=True),
         *(Column(matrix_column(f), label, f"Erfolgsfaktor „{label}“ (`{f}`): {CODED}.", type="integer",
                  required=True, enum=(0, 1)) for f, label in factors)),
        ("case_id",), (("case_id", "cases"),))


def views(factors: Sequence[tuple[str, str]]) -> tuple[View, ...]:
    """Every analyst view; ``factors`` are (id, label) of the published factors in codebook order."""
    return (
        View(
            "case_overview", "Praxisbeispiele (Übersicht)",
            "Ein Praxisbeispiel je Zeile mit Kommune, Land, Handlungsfeldern und Erfolgsfaktoren als Text: "
            "geeignet für CSV-Export und Tabellenkalkulation. Erfolgsfaktoren sind die mit Beleg codierten; ein "
            "nicht genannter Faktor ist nicht berichtet, nicht „fehlend“.",
            f"""
select c.id, c.title, m.name as municipality, m.ags, s.label as state, k.label as municipality_kind, c.start_year,
  c.presented_year, c.period_start, c.period_start_precision, c.period_end, c.period_end_precision, c.status,
  c.status_as_of, c.status_as_of_precision, c.bmbf_programme,
  {_ordered_list("select f.label as v from case_fields cf join fields f on f.id = cf.field_id "
                 "where cf.case_id = c.id order by cf.position")} as fields,
  {_ordered_list("select f.label as v from case_factors cf join factors f on f.id = cf.factor_id "
                 "where cf.case_id = c.id order by f.position, f.id")} as factors,
  (select count(*) from case_partners p where p.case_id = c.id) as partner_count,
  {_ordered_list("select src.url as v from case_sources cs join sources src on src.id = cs.source_id "
                 "where cs.case_id = c.id order by cs.position", " ")} as source_urls
from cases c
join municipalities m on m.id = c.municipality_id
left join states s on s.id = c.state_id
left join municipality_kinds k on k.id = c.municipality_kind_id
order by c.id""",
            (_id("id", "Kennung des Praxisbeispiels"), _text("title", "Titel", required=True),
             _text("municipality", "Kommune", required=True),
             _text("ags", "AGS", "Amtlicher Gemeindeschlüssel der Kommune (Text, mit führender Null)"),
             _text("state", "Bundesland"), _text("municipality_kind", "Kommunentyp"),
             Column("start_year", "Startjahr", "aus dem Beginn", type="integer"),
             Column("presented_year", "Jahr der Vorstellung", "Jahr der ersten Vorstellung auf einer Veranstaltung",
                    type="integer"),
             _text("period_start", "Beginn"), _precision("period_start", "Beginn"),
             _text("period_end", "Ende"), _precision("period_end", "Ende"),
             Column("status", "Status", enum=("geplant", "laufend", "verstetigt", "beendet")),
             _text("status_as_of", "Stand des Status"), _precision("status_as_of", "Stand des Status"),
             Column("bmbf_programme", "Im BMBF-Programm",
                    "1 = im BMBF-Programm, 0 = außerhalb, leer = unbekannt (keine Quelle sagt es)", type="boolean"),
             _text("fields", "Handlungsfelder", "durch ; getrennt", required=True),
             _text("factors", "Erfolgsfaktoren", "die mit Beleg codierten, durch ; getrennt, in Codebuch-Reihenfolge"),
             _count("partner_count", "Anzahl der Partner"),
             _text("source_urls", "Quellen", "Adressen der Quellen, durch Leerzeichen getrennt", required=True)),
            ("id",), (("id", "cases"),)),
        _matrix(factors),
        View(
            "case_factors_long", "Praxisbeispiel × Erfolgsfaktor (lang)",
            "Jede Kombination aus Praxisbeispiel und Erfolgsfaktor des Codebuchs als eigene Zeile, mit Kennungen und "
            f"Bezeichnungen; Spalte coded: {CODED}. Dieselben Werte wie case_factor_matrix, im langen Format.",
            """
select c.id as case_id, c.title as case_title, f.id as factor_id, f.label as factor, g.id as factor_group_id,
  g.label as factor_group, exists (select 1 from case_factors cf where cf.case_id = c.id and cf.factor_id = f.id)
  as coded
from cases c cross join factors f join factor_groups g on g.id = f.group_id
order by c.id, f.position, f.id""",
            (_id("case_id", "Praxisbeispiel (Kennung)"), _text("case_title", "Praxisbeispiel", required=True),
             _id("factor_id", "Erfolgsfaktor (Kennung)"), _text("factor", "Erfolgsfaktor", required=True),
             _id("factor_group_id", "Gruppe (Kennung)"), _text("factor_group", "Gruppe", required=True),
             Column("coded", "Codiert", CODED, type="integer", required=True, enum=(0, 1))),
            ("case_id", "factor_id"), (("case_id", "cases"), ("factor_id", "factors"), ("factor_group_id", "factor_groups"))),
        View(
            "factor_codings", "Codierungen der Erfolgsfaktoren",
            "Jede Codierung eines Erfolgsfaktors in einem Praxisbeispiel (je Praxisbeispiel und Faktor höchstens "
            "eine) mit Beleg, Quelle, Kommune, Kommunentyp und Land: die Grundlage für Auszählungen je Faktor, "
            "Gruppe und Bundesland. Wörtliche Belege (verbatim = 1) sind Zitate aus der genannten Quelle.",
            """
select cf.case_id, c.title as case_title, f.id as factor_id, f.label as factor, g.label as factor_group,
  cf.evidence, cf.verbatim, cf.source_id, src.url as source_url, m.name as municipality,
  k.label as municipality_kind, s.label as state, c.start_year, c.presented_year
from case_factors cf
join cases c on c.id = cf.case_id
join factors f on f.id = cf.factor_id
join factor_groups g on g.id = f.group_id
join sources src on src.id = cf.source_id
join municipalities m on m.id = c.municipality_id
left join municipality_kinds k on k.id = c.municipality_kind_id
left join states s on s.id = c.state_id
order by cf.case_id, cf.position""",
            (_id("case_id", "Praxisbeispiel (Kennung)"), _text("case_title", "Praxisbeispiel", required=True),
             _id("factor_id", "Erfolgsfaktor (Kennung)"), _text("factor", "Erfolgsfaktor", required=True),
             _text("factor_group", "Gruppe", required=True),
             Column("evidence", "Beleg", "Beleg aus der Quelle; bei verbatim = 1 ein wörtliches Zitat",
                    required=True, quotation=True),
             Column("verbatim", "Wörtlich", "1 = Beleg wörtlich zitiert, 0 = in eigenen Worten", type="boolean",
                    required=True),
             _id("source_id", "Quelle (Kennung)"), _url("source_url", "Quelle", "Adresse der Quelle des Belegs", True),
             _text("municipality", "Kommune", required=True), _text("municipality_kind", "Kommunentyp"),
             _text("state", "Bundesland"), Column("start_year", "Startjahr", type="integer"),
             Column("presented_year", "Jahr der Vorstellung", "Jahr der ersten Vorstellung", type="integer")),
            ("case_id", "factor_id"), (("case_id", "cases"), ("factor_id", "factors"), ("source_id", "sources"))),
        View(
            "factor_cooccurrence", "Gemeinsam codierte Erfolgsfaktoren",
            "Je Paar von Erfolgsfaktoren, die in mindestens einem Praxisbeispiel beide mit Beleg codiert sind: die "
            "Zahl dieser Praxisbeispiele, die Zahl der Praxisbeispiele je Faktor, der Jaccard-Index (gemeinsam / "
            "mindestens einer von beiden) und die gemeinsamen Praxisbeispiele. Jedes Paar steht einmal "
            "(factor_a_id < factor_b_id). Nicht gemeinsam codiert heißt: nicht gemeinsam berichtet.",
            f"""
with coded as (select factor_id, count(*) as cases from case_factors group by factor_id),
pairs as (
  -- one pass over the pairs; group_concat keeps the order of its ordered input (SQLite < 3.44)
  select a, b, count(*) as both_coded, group_concat(case_id, '; ') as shared from (
    select x.factor_id as a, y.factor_id as b, x.case_id
    from case_factors x join case_factors y on y.case_id = x.case_id and x.factor_id < y.factor_id
    order by x.factor_id, y.factor_id, x.case_id)
  group by a, b)
select p.a as factor_a_id, fa.label as factor_a, p.b as factor_b_id, fb.label as factor_b,
  p.both_coded as cases_both, ca.cases as cases_a, cb.cases as cases_b,
  round(1.0 * p.both_coded / (ca.cases + cb.cases - p.both_coded), 4) as jaccard, p.shared as shared_cases
from pairs p
join coded ca on ca.factor_id = p.a join coded cb on cb.factor_id = p.b
join factors fa on fa.id = p.a join factors fb on fb.id = p.b
order by cases_both desc, jaccard desc, factor_a_id, factor_b_id""",
            (_id("factor_a_id", "Erfolgsfaktor A (Kennung)"), _text("factor_a", "Erfolgsfaktor A", required=True),
             _id("factor_b_id", "Erfolgsfaktor B (Kennung)"), _text("factor_b", "Erfolgsfaktor B", required=True),
             _count("cases_both", "Gemeinsam codiert", "Praxisbeispiele, in denen beide Faktoren codiert sind"),
             _count("cases_a", "Praxisbeispiele mit A"), _count("cases_b", "Praxisbeispiele mit B"),
             Column("jaccard", "Jaccard-Index", "gemeinsam / (A + B − gemeinsam), auf 4 Stellen gerundet",
                    type="number", required=True, minimum=0, maximum=1),
             _text("shared_cases", "Gemeinsame Praxisbeispiele", "Kennungen, durch ; getrennt", required=True)),
            ("factor_a_id", "factor_b_id"), (("factor_a_id", "factors"), ("factor_b_id", "factors"))),
        *(_by_group(name, title, group) for name, title, group in _GROUPINGS),
        View(
            "quote_statements", "Aussagen (Varianten zusammengefasst)",
            "Eine Zeile je Aussage: Fassungen derselben Aussage in verschiedenen Quellen (variant_of) sind "
            "zusammengefasst, damit eine Aussage bei Auszählungen nicht mehrfach zählt. Wortlaut und Sprecher/in "
            "stammen aus der Fassung mit der kleinsten Kennung. Spalte speech: direct = wörtliches Zitat, indirect "
            "= indirekte Rede laut Bericht (kein Zitat), „direct; indirect“ = beide Fassungen kommen vor.",
            f"""
with recursive edges(a, b) as (
  select quote_id, variant_id from quote_variants union select variant_id, quote_id from quote_variants),
reach(quote_id, member) as (
  select id, id from quotes union select r.quote_id, e.b from reach r join edges e on e.a = r.member),
statement(quote_id, statement_id) as (select quote_id, min(member) from reach group by quote_id)
select st.statement_id, q.text, {_ordered_list(
    "select distinct v.speech as v from statement m join quotes v on v.id = m.quote_id "
    "where m.statement_id = st.statement_id order by v.speech")} as speech,
  coalesce(p.name, q.unattributed) as speaker, q.speaker_id, q.role_as_stated,
  count(*) as variants,
  {_ordered_list("select m.quote_id as v from statement m where m.statement_id = st.statement_id "
                 "order by m.quote_id")} as quote_ids,
  {_ordered_list("select distinct src.url as v from statement m join quotes v on v.id = m.quote_id "
                 "join sources src on src.id = v.source_id where m.statement_id = st.statement_id order by src.url",
                 " ")} as source_urls,
  {_ordered_list("select f.label as v from factors f where f.id in (select qf.factor_id from statement m "
                 "join quote_factors qf on qf.quote_id = m.quote_id where m.statement_id = st.statement_id) "
                 "order by f.position, f.id")} as factors,
  {_ordered_list("select distinct qc.case_id as v from statement m join quote_cases qc on qc.quote_id = m.quote_id "
                 "where m.statement_id = st.statement_id order by qc.case_id")} as case_ids
from statement st
join quotes q on q.id = st.statement_id
left join people p on p.id = q.speaker_id
group by st.statement_id order by st.statement_id""",
            (_id("statement_id", "Aussage (Kennung)", "Kennung der Fassung mit der kleinsten Kennung"),
             Column("text", "Wortlaut", "bei speech = indirect der Satz des Berichts, kein Zitat", required=True,
                    quotation=True),
             Column("speech", "Redeform", "direct = wörtliches Zitat, indirect = indirekte Rede laut Bericht",
                    required=True, enum=("direct", "indirect", "direct; indirect")),
             _text("speaker", "Sprecher/in", "oder Zuordnung laut Quelle", required=True),
             _id("speaker_id", "Sprecher/in (Kennung)", required=False),
             _text("role_as_stated", "Funktion laut Quelle"),
             _count("variants", "Fassungen", "Zahl der Fassungen in verschiedenen Quellen"),
             _text("quote_ids", "Fassungen (Kennungen)", "durch ; getrennt", required=True),
             _text("source_urls", "Quellen", "Adressen, durch Leerzeichen getrennt", required=True),
             _text("factors", "Erfolgsfaktoren", "aller Fassungen, durch ; getrennt"),
             _text("case_ids", "Praxisbeispiele (Kennungen)", "durch ; getrennt")),
            ("statement_id",), (("statement_id", "quotes"), ("speaker_id", "people"))),
        View(
            "quote_overview", "Zitate und Aussagen (Übersicht)",
            "Ein wörtliches Zitat oder eine Aussage in indirekter Rede je Zeile (Spalte speech) mit Sprecher/in (oder "
            "Zuordnung), Funktion laut Quelle, Veranstaltung, Quelle und Erfolgsfaktoren. Nur speech = direct ist ein "
            "Zitat; speech = indirect ist der Satz eines Berichts und wird „laut Bericht“ ohne Anführungszeichen "
            "wiedergegeben. Fassungen derselben Aussage stehen je einzeln hier, zusammengefasst in quote_statements.",
            f"""
select q.id, q.speech, q.text, coalesce(p.name, q.unattributed) as speaker, q.speaker_id is not null as attributed,
  q.role_as_stated, e.title as event, e.date as event_date, e.date_precision as event_date_precision,
  src.url as source_url,
  {_ordered_list("select f.label as v from quote_factors qf join factors f on f.id = qf.factor_id "
                 "where qf.quote_id = q.id order by qf.position")} as factors
from quotes q
join sources src on src.id = q.source_id
left join people p on p.id = q.speaker_id
left join events e on e.id = q.event_id
order by q.id""",
            (_id("id", "Kennung der Aussage"),
             Column("speech", "Redeform", "direct = wörtliches Zitat, indirect = indirekte Rede laut Bericht "
                    "(kein Zitat)", required=True, enum=("direct", "indirect")),
             Column("text", "Wortlaut", "bei indirect der Satz des Berichts", required=True, quotation=True),
             _text("speaker", "Sprecher/in", "oder Zuordnung laut Quelle", required=True),
             Column("attributed", "Zugeschrieben", "1 = einer Person zugeschrieben, 0 = ohne Zuschreibung",
                    type="boolean", required=True),
             _text("role_as_stated", "Funktion laut Quelle"), _text("event", "Veranstaltung"),
             _text("event_date", "Datum der Veranstaltung"), _precision("event_date", "Datum der Veranstaltung"),
             _url("source_url", "Quelle", "Adresse der Quelle", True),
             _text("factors", "Erfolgsfaktoren", "durch ; getrennt")),
            ("id",), (("id", "quotes"),)),
        View(
            "municipality_profile", "Kommunen im Profil",
            "Eine Zeile je Kommune: Typ, Land, AGS (Text), Koordinaten und was die Wissensbasis über sie enthält "
            "(Praxisbeispiele, codierte Erfolgsfaktoren, Handlungsfelder, Organisationen, Veranstaltungen, Aussagen).",
            f"""
with per_case as materialized (
  select municipality_id, count(*) as cases, min(start_year) as first_start_year from cases group by municipality_id),
coded as materialized (
  select distinct c.municipality_id, cf.factor_id from case_factors cf join cases c on c.id = cf.case_id),
worked as materialized (
  select distinct c.municipality_id, cf.field_id from case_fields cf join cases c on c.id = cf.case_id),
quoted as materialized (
  select c.municipality_id, count(distinct qc.quote_id) as quotes from quote_cases qc
  join cases c on c.id = qc.case_id group by c.municipality_id)
select m.id as municipality_id, m.name, k.label as municipality_kind, s.label as state, m.ags, m.latitude,
  m.longitude, coalesce(pc.cases, 0) as cases, pc.first_start_year,
  {_ordered_list("select f.label as v from coded x join factors f on f.id = x.factor_id "
                 "where x.municipality_id = m.id order by f.position, f.id")} as factors,
  {_ordered_list("select f.label as v from worked x join fields f on f.id = x.field_id "
                 "where x.municipality_id = m.id order by f.label")} as fields,
  (select count(*) from organizations o where o.municipality_id = m.id) as organizations,
  (select count(*) from events e where e.municipality_id = m.id) as events,
  coalesce(qd.quotes, 0) as quotes
from municipalities m
join municipality_kinds k on k.id = m.kind_id
join states s on s.id = m.state_id
left join per_case pc on pc.municipality_id = m.id
left join quoted qd on qd.municipality_id = m.id
order by m.id""",
            (_id("municipality_id", "Kommune (Kennung)"), _text("name", "Kommune", required=True),
             _text("municipality_kind", "Kommunentyp", required=True), _text("state", "Bundesland", required=True),
             Column("ags", "AGS", "Amtlicher Gemeindeschlüssel (8 Ziffern) bzw. Kreisschlüssel (5 Ziffern), als Text",
                    pattern=r"^\d{5}(?:\d{3})?$"),
             Column("latitude", "Breitengrad", "WGS 84", type="number"),
             Column("longitude", "Längengrad", "WGS 84", type="number"),
             _count("cases", "Praxisbeispiele"),
             Column("first_start_year", "Frühestes Startjahr", "der Praxisbeispiele", type="integer"),
             _text("factors", "Erfolgsfaktoren", "in mindestens einem Praxisbeispiel mit Beleg codiert, durch ; "
                   "getrennt"),
             _text("fields", "Handlungsfelder", "der Praxisbeispiele, durch ; getrennt"),
             _count("organizations", "Organisationen"), _count("events", "Veranstaltungen", "die dort stattfanden"),
             _count("quotes", "Aussagen", "zu Praxisbeispielen der Kommune")),
            ("municipality_id",), (("municipality_id", "municipalities"),)),
        View(
            "partner_edges", "Kooperationsbeziehungen (Netzwerk)",
            "Eine Kante je Partner eines Praxisbeispiels: Praxisbeispiel, Kommune, Partner, Akteurstyp und Rolle, "
            "für Netzwerkanalysen. partner_key ist die Kennung der Organisation, wenn sie erfasst ist; sonst "
            "„Praxisbeispiel#Position“, weil gleich benannte Partner ohne Organisation (z. B. „Jugendamt“) in "
            "verschiedenen Kommunen verschiedene Stellen sind.",
            """
select p.case_id, c.title as case_title, c.municipality_id, p.position,
  coalesce(p.organization_id, p.case_id || '#' || p.position) as partner_key, p.organization_id,
  coalesce(o.name, p.label) as partner, p.actor_type_id, a.label as actor_type, p.role
from case_partners p
join cases c on c.id = p.case_id
join actor_types a on a.id = p.actor_type_id
left join organizations o on o.id = p.organization_id
order by p.case_id, p.position""",
            (_id("case_id", "Praxisbeispiel (Kennung)"), _text("case_title", "Praxisbeispiel", required=True),
             _id("municipality_id", "Kommune (Kennung)"),
             Column("position", "Position", "Reihenfolge im Praxisbeispiel", type="integer", required=True),
             _text("partner_key", "Partner (Schlüssel)", "Organisation oder Praxisbeispiel#Position", required=True),
             _id("organization_id", "Organisation (Kennung)", required=False),
             _text("partner", "Partner", "Name der Organisation oder Bezeichnung laut Quelle", required=True),
             _id("actor_type_id", "Akteurstyp (Kennung)"), _text("actor_type", "Akteurstyp", required=True),
             _text("role", "Rolle", "in der Kooperation, laut Quelle")),
            ("case_id", "position"),
            (("case_id", "cases"), ("municipality_id", "municipalities"), ("organization_id", "organizations"),
             ("actor_type_id", "actor_types"))),
    )


_GROUPINGS = (
    ("factors_by_state", "Erfolgsfaktoren je Bundesland", ("state", "Bundesland", "Bundeslands", "states")),
    ("factors_by_municipality_kind", "Erfolgsfaktoren je Kommunentyp",
     ("municipality_kind", "Kommunentyp", "Kommunentyps", "municipality_kinds")),
)


def _by_group(name: str, title: str, group: tuple[str, str, str, str]) -> View:
    """Distinct cases per group (Bundesland, Kommunentyp) and factor."""
    column, label, genitive, table = group
    return View(
        name, title,
        f"Je {label} und Erfolgsfaktor die Zahl der verschiedenen Praxisbeispiele, in denen der Faktor mit Beleg "
        f"codiert ist, neben der Zahl aller Praxisbeispiele dieses {genitive} und dem Anteil. Nur Paare mit mindestens "
        "einem Praxisbeispiel; fehlt ein Paar, ist der Faktor dort nicht berichtet.",
        f"""
select g.id as {column}_id, g.label as {column}, f.id as factor_id, f.label as factor,
  count(distinct cf.case_id) as cases,
  (select count(*) from cases c2 where c2.{column}_id = g.id) as cases_total,
  round(1.0 * count(distinct cf.case_id) / (select count(*) from cases c2 where c2.{column}_id = g.id), 4) as share
from case_factors cf
join cases c on c.id = cf.case_id
join {table} g on g.id = c.{column}_id
join factors f on f.id = cf.factor_id
group by g.id, f.id
order by g.label, cases desc, f.position, f.id""",
        (_id(f"{column}_id", f"{label} (Kennung)"), _text(column, label, required=True),
         _id("factor_id", "Erfolgsfaktor (Kennung)"), _text("factor", "Erfolgsfaktor", required=True),
         _count("cases", "Praxisbeispiele", "verschiedene Praxisbeispiele mit Beleg für den Faktor"),
         _count("cases_total", "Praxisbeispiele insgesamt", f"alle Praxisbeispiele dieses {genitive}"),
         Column("share", "Anteil", "Praxisbeispiele / Praxisbeispiele insgesamt, auf 4 Stellen gerundet",
                type="number", required=True, minimum=0, maximum=1)),
        (f"{column}_id", "factor_id"), ((f"{column}_id", table), ("factor_id", "factors")))
