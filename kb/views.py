"""Views for analysts: the common questions as flat tables (also as CSV), on top of the link tables."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str
    sql: str
    columns: dict[str, str]


VIEWS = (
    View(
        "case_overview", "Praxisbeispiele (Übersicht)",
        "Ein Praxisbeispiel je Zeile mit Kommune, Land, Handlungsfeldern und Erfolgsfaktoren als Text: "
        "geeignet für CSV-Export und Tabellenkalkulation.",
        """
select c.id, c.title, m.name as municipality, s.label as state, k.label as municipality_kind, c.start_year,
  c.presented_year, c.period_start, c.period_end, c.status, c.status_as_of, c.bmbf_programme,
  (select group_concat(label, '; ') from (select f.label from case_fields cf join fields f on f.id = cf.field_id
   where cf.case_id = c.id order by cf.position)) as fields,
  (select group_concat(label, '; ') from (select distinct f.label from case_factors cf
   join factors f on f.id = cf.factor_id where cf.case_id = c.id order by f.position, cf.position)) as factors,
  (select count(*) from case_partners p where p.case_id = c.id) as partner_count,
  (select group_concat(url, ' ') from (select src.url from case_sources cs join sources src on src.id = cs.source_id
   where cs.case_id = c.id order by cs.position)) as source_urls
from cases c
join municipalities m on m.id = c.municipality_id
left join states s on s.id = c.state_id
left join municipality_kinds k on k.id = c.municipality_kind_id
order by c.id""",
        {"id": "Kennung des Praxisbeispiels", "title": "Titel", "municipality": "Kommune", "state": "Bundesland",
         "municipality_kind": "Kommunentyp", "start_year": "Startjahr (aus dem Beginn)",
         "presented_year": "Jahr der ersten Vorstellung auf einer Veranstaltung",
         "period_start": "Beginn", "period_end": "Ende", "status": "Status", "status_as_of": "Stand des Status",
         "bmbf_programme": "1 = im BMBF-Programm, 0 = außerhalb, leer = unbekannt (keine Quelle sagt es)",
         "fields": "Handlungsfelder (durch ; getrennt)",
         "factors": "Erfolgsfaktoren (durch ; getrennt, in Codebuch-Reihenfolge)",
         "partner_count": "Anzahl der Partner", "source_urls": "Adressen der Quellen (durch Leerzeichen getrennt)"},
    ),
    View(
        "factor_codings", "Codierungen der Erfolgsfaktoren",
        "Jede Codierung eines Erfolgsfaktors in einem Praxisbeispiel mit Beleg, Quelle, Kommune und Land: "
        "die Grundlage für Auszählungen je Faktor, Gruppe und Bundesland.",
        """
select cf.case_id, c.title as case_title, f.id as factor_id, f.label as factor, g.label as factor_group,
  cf.evidence, cf.verbatim, src.url as source_url, m.name as municipality, s.label as state, c.start_year,
  c.presented_year
from case_factors cf
join cases c on c.id = cf.case_id
join factors f on f.id = cf.factor_id
join factor_groups g on g.id = f.group_id
join sources src on src.id = cf.source_id
join municipalities m on m.id = c.municipality_id
left join states s on s.id = c.state_id
order by cf.case_id, cf.position""",
        {"case_id": "Kennung des Praxisbeispiels", "case_title": "Titel des Praxisbeispiels",
         "factor_id": "Kennung des Erfolgsfaktors", "factor": "Erfolgsfaktor", "factor_group": "Gruppe",
         "evidence": "Beleg aus der Quelle", "verbatim": "1 = Beleg wörtlich zitiert, 0 = in eigenen Worten",
         "source_url": "Adresse der Quelle des Belegs", "municipality": "Kommune", "state": "Bundesland",
         "start_year": "Startjahr", "presented_year": "Jahr der ersten Vorstellung"},
    ),
    View(
        "quote_overview", "Zitate und Aussagen (Übersicht)",
        "Ein wörtliches Zitat oder eine Aussage in indirekter Rede je Zeile (Spalte speech) mit Sprecher/in (oder "
        "Zuordnung), Funktion laut Quelle, Veranstaltung, Quelle und Erfolgsfaktoren. Nur speech = direct ist ein "
        "Zitat; speech = indirect ist der Satz eines Berichts und wird „laut Bericht“ ohne Anführungszeichen "
        "wiedergegeben.",
        """
select q.id, q.speech, q.text, coalesce(p.name, q.unattributed) as speaker, q.speaker_id is not null as attributed,
  q.role_as_stated, e.title as event, e.date as event_date, src.url as source_url,
  (select group_concat(label, '; ') from (select f.label from quote_factors qf join factors f on f.id = qf.factor_id
   where qf.quote_id = q.id order by qf.position)) as factors
from quotes q
join sources src on src.id = q.source_id
left join people p on p.id = q.speaker_id
left join events e on e.id = q.event_id
order by q.id""",
        {"id": "Kennung der Aussage", "speech": "Redeform: direct = wörtliches Zitat, indirect = indirekte Rede "
         "laut Bericht (kein Zitat)", "text": "Wortlaut (bei indirect der Satz des Berichts)",
         "speaker": "Sprecher/in oder Zuordnung laut Quelle",
         "attributed": "1 = einer Person zugeschrieben, 0 = ohne Zuschreibung", "role_as_stated":
         "Funktion laut Quelle", "event": "Veranstaltung", "event_date": "Datum der Veranstaltung",
         "source_url": "Adresse der Quelle", "factors": "Erfolgsfaktoren (durch ; getrennt)"},
    ),
)
