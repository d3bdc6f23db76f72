"""The one declarative model of every kind of record.

Validation, the JSON Schema files for editors, the SQLite layout and the
column descriptions in ``metadata.yml`` are all derived from ``KINDS``.
Titles and descriptions are German because coordinators and curators read them.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field, replace
from typing import Literal

FieldType = Literal[
    "str", "text", "slug", "url", "date", "partial_date", "int", "float", "bool",
    "ref", "enum", "list", "object",
]

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
PARTIAL_DATE_PATTERN = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"
LANGUAGE_PATTERN = r"^[a-z]{2}$"
AGS_PATTERN = r"^\d{5}(?:\d{3})?$"
VISIBILITY = ("public", "internal")
MAX_ID_LENGTH = 100          # ids are part of every link; today's longest has 47 characters
FUTURE_YEARS = 10            # a date more than this many years ahead is a typo (2099 for 2019)
INT_RANGE = (-2**63, 2**63 - 1)  # what SQLite stores as an integer
# A key that drafts (kb import-article) put on records and codings: what the curator must check.
# Validation reports every one as an open point, so a draft cannot be built before it is reviewed.
REVIEW_KEY = "review"


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    title: str
    description: str = ""
    required: bool = False
    ref: str | None = None                 # target kind of a "ref"
    choices: tuple[str, ...] = ()          # allowed values of an "enum"
    item: Field | None = None              # element of a "list"
    fields: tuple[Field, ...] = ()         # members of an "object"
    pattern: str | None = None             # extra regex for "str"
    min_items: int = 0                     # for "list"
    minimum: float | None = None
    maximum: float | None = None
    default: object = None
    table: str | None = None               # link/child table name for a "list"
    column: str | None = None              # target column name in a link table
    facet_column: str | None = None        # JSON array of labels on the parent table
    facet_via: str | None = None           # for lists of objects: the ref member to label

    @property
    def is_link_list(self) -> bool:
        return self.type == "list" and self.item is not None and self.item.type == "ref"

    @property
    def is_child_list(self) -> bool:
        return self.type == "list" and self.item is not None and self.item.type == "object"


@dataclass(frozen=True)
class Kind:
    name: str                   # singular, used in ids of link columns ("case" → case_id)
    table: str                  # SQLite table
    title: str                  # German, plural
    description: str            # German
    path: str                   # glob under data/
    layout: Literal["list", "one"]  # a list of records per file, or one record per file
    fields: tuple[Field, ...]
    label: str = "name"         # the column Datasette shows for references
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one field of each group is required
    id_matches_file: bool = False
    vocabulary: bool = False
    # Exists to support other records (a person, a source …): not published when only unpublished records use it.
    supporting: bool = False

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _id(title: str = "Kennung") -> Field:
    return Field("id", "slug", title, "Dauerhafte Kennung aus Kleinbuchstaben, Ziffern, - und _; "
                 "ändert sich nach der Veröffentlichung nie.", required=True)


def _people(owner: str, table: str) -> Field:
    return Field(
        "people", "list", "Beteiligte Personen",
        f"Personen mit ihrer Rolle bei {owner}, wie die Quelle sie nennt.", table=table,
        item=Field("participation", "object", "Beteiligung", fields=(
            Field("person", "ref", "Person", "Beteiligte Person.", required=True, ref="person"),
            Field("role", "str", "Rolle", f"Rolle bei {owner} laut Quelle (z. B. „Podiumsgast“).", required=True),
            Field("source", "ref", "Quelle", "Quelle, die die Beteiligung nennt.", required=True, ref="source"),
        )))


def _sources(required: bool = True) -> Field:
    return Field("sources", "list", "Quellen", "Kennungen der öffentlichen Quellen, die diese Angaben belegen.",
                 required=required, min_items=1 if required else 0,
                 item=Field("source", "ref", "Quelle", ref="source"))


NOTES = Field(
    "notes", "list", "Anmerkungen",
    "Anmerkungen der Redaktion, z. B. Widersprüche zwischen Quellen, jeweils mit den betroffenen Quellen.",
    item=Field("note", "object", "Anmerkung", fields=(
        Field("text", "text", "Text", "Die Anmerkung in eigenen Worten.", required=True),
        Field("sources", "list", "Quellen", "Die Quellen, auf die sich die Anmerkung bezieht.",
              required=True, min_items=1, item=Field("source", "ref", "Quelle", ref="source")),
    )),
)

VISIBILITY_FIELD = Field(
    "visibility", "enum", "Sichtbarkeit",
    "public: wird veröffentlicht; internal: wird geprüft, aber nie in die veröffentlichte Datenbank geschrieben. "
    "Personen, Quellen, Kommunen, Organisationen, Reihen und Veranstaltungen, die nur unveröffentlichte Einträge "
    "nennen, werden ebenfalls nicht veröffentlicht.",
    choices=VISIBILITY, default="public",
)


def _vocabulary(name: str, table: str, title: str, description: str, path: str,
                extra: tuple[Field, ...] = ()) -> Kind:
    return Kind(
        name, table, title, description, path, "list",
        (_id(), Field("label", "str", "Bezeichnung", "Deutsche Bezeichnung.", required=True), *extra,
         Field("description", "text", "Beschreibung", "Was der Begriff umfasst.")),
        label="label", vocabulary=True,
    )


# Vocabularies first, then every kind after the kinds it references; the one back reference,
# factor.anchor_case, is validated with all ids known and built by kb.build.table_order.
KINDS: dict[str, Kind] = {}


def _register(*kinds: Kind) -> None:
    """Every kind can be marked ``visibility: internal``: the field is added to each."""
    for kind in kinds:
        KINDS[kind.name] = replace(kind, fields=(*kind.fields, VISIBILITY_FIELD))


_register(
    _vocabulary("state", "states", "Bundesländer", "Die 16 Länder der Bundesrepublik Deutschland.",
                "vocabularies/states.yaml",
                (Field("code", "str", "Länderschlüssel", "Zweistelliger Länderschlüssel (Beginn des AGS).",
                       required=True, pattern=r"^\d{2}$"),)),
    _vocabulary("municipality_kind", "municipality_kinds", "Kommunentypen",
                "Verwaltungsrechtliche Typen von Kommunen (kreisfreie Stadt, Landkreis …).",
                "vocabularies/municipality_kinds.yaml"),
    _vocabulary("actor_type", "actor_types", "Akteurstypen",
                "Arten von Kooperationspartnern (Verwaltung, Verein, Stiftung …).",
                "vocabularies/actor_types.yaml"),
    _vocabulary("field", "fields", "Handlungsfelder",
                "Handlungsfelder kommunaler Bildungskoordination, in denen die Praxisbeispiele liegen.",
                "vocabularies/fields.yaml"),
    _vocabulary("factor_group", "factor_groups", "Gruppen von Erfolgsfaktoren",
                "Oberbegriffe, unter denen die Erfolgsfaktoren gruppiert sind.",
                "vocabularies/factor_groups.yaml",
                (Field("label_en", "str", "Englische Bezeichnung", "English gloss."),
                 Field("position", "int", "Reihenfolge", "Position in der Anzeige.", minimum=0))),
    Kind("synonym", "synonyms", "Synonyme",
         "Gruppen gleichbedeutender Suchbegriffe: wer einen davon sucht, findet alle.",
         "vocabularies/synonyms.yaml", "list",
         (_id(),
          Field("terms", "list", "Begriffe", "Begriffe, die die Suche gleich behandelt.", required=True,
                min_items=2, item=Field("term", "str", "Begriff"))),
         label="id", vocabulary=True),
    Kind("factor", "factors", "Erfolgsfaktoren",
         "Das kontrollierte Vokabular der Erfolgsfaktoren gelingender Kooperation (Codebuch).",
         "vocabularies/factors.yaml", "list",
         (_id(),
          Field("label", "str", "Bezeichnung", "Deutsche Bezeichnung des Faktors.", required=True),
          Field("label_en", "str", "Englische Bezeichnung", "English gloss.", required=True),
          Field("group", "ref", "Gruppe", "Gruppe, zu der der Faktor gehört.", required=True, ref="factor_group"),
          Field("definition", "text", "Definition", "Ein Satz in eigenen Worten: was der Faktor meint.",
                required=True),
          Field("evidence_rule", "text", "Was als Beleg zählt",
                "Codierregel: woran man in einer Quelle erkennt, dass der Faktor in einem Praxisbeispiel wirkt."),
          Field("not_evidence", "text", "Was nicht als Beleg zählt",
                "Codierregel: was ähnlich klingt, aber den Faktor nicht belegt (z. B. Überschrift, Plan, Tagesordnung)."),
          Field("anchor_case", "ref", "Ankerbeispiel",
                "Praxisbeispiel, dessen Codierung dieses Faktors als Musterbeispiel gilt; es muss den Faktor codieren.",
                ref="case"),
          Field("coverage_note", "text", "Warum ohne Praxisbeispiel",
                "Nur für Faktoren ohne Codierung in einem Praxisbeispiel: warum die Quellen keinen Beleg hergeben."),
          Field("alt_labels", "list", "Alternative Begriffe",
                "Begriffe aus den Quellen, die dieser Faktor zusammenfasst; die Suche nutzt sie als Synonyme.",
                item=Field("alt_label", "str", "Begriff")),
          Field("position", "int", "Reihenfolge", "Position in der Anzeige.", minimum=0)),
         label="label", vocabulary=True),
    Kind("source", "sources", "Quellen",
         "Öffentliche Quellen (Veranstaltungsdokumentationen, Meldungen, Publikationen), aus denen jede Angabe stammt.",
         "sources.yaml", "list",
         (_id(),
          Field("url", "url", "Adresse", "Öffentliche Adresse (URL) der Quelle.", required=True),
          Field("title", "str", "Titel", "Titel, wie die Quelle ihn angibt.", required=True),
          Field("publisher", "str", "Herausgeber", "Wer die Quelle veröffentlicht hat."),
          Field("date", "partial_date", "Datum", "Veröffentlichungsdatum (JJJJ, JJJJ-MM oder JJJJ-MM-TT), soweit angegeben."),
          Field("kind", "enum", "Art", "Art der Quelle.", required=True,
                choices=("news", "event-documentation", "announcement", "publication", "interview",
                         "press-release", "web-page", "dataset")),
          Field("language", "str", "Sprache", "Sprache als ISO-639-1-Kürzel.", pattern=LANGUAGE_PATTERN,
                default="de"),
          Field("note", "text", "Hinweis", "Hinweis der Redaktion zur Quelle.")),
         label="title", supporting=True),
    Kind("municipality", "municipalities", "Kommunen",
         "Kommunen (Städte, Kreise, Gemeinden), in denen Praxisbeispiele und Veranstaltungen verortet sind.",
         "municipalities.yaml", "list",
         (_id(),
          Field("name", "str", "Name", "Amtlicher oder gebräuchlicher Name.", required=True),
          Field("kind", "ref", "Kommunentyp", "Verwaltungsrechtlicher Typ.", required=True, ref="municipality_kind"),
          Field("state", "ref", "Bundesland", "Land, in dem die Kommune liegt.", required=True, ref="state"),
          Field("ags", "str", "AGS", "Amtlicher Gemeindeschlüssel (8 Ziffern) bzw. Kreisschlüssel (5 Ziffern).",
                pattern=AGS_PATTERN),
          Field("latitude", "float", "Breitengrad", "Geographische Breite (WGS 84).", minimum=47, maximum=56),
          Field("longitude", "float", "Längengrad", "Geographische Länge (WGS 84).", minimum=5, maximum=16),
          Field("geodata_source", "ref", "Quelle der Geodaten", "Datensatz, aus dem AGS und Koordinaten stammen.",
                ref="source"),
          _sources(), NOTES),
         supporting=True),
    Kind("organization", "organizations", "Organisationen",
         "Organisationen: Ämter, Vereine, Stiftungen, Träger und weitere Kooperationspartner.",
         "organizations.yaml", "list",
         (_id(),
          Field("name", "str", "Name", "Name der Organisation.", required=True),
          Field("actor_type", "ref", "Akteurstyp", "Art des Akteurs.", required=True, ref="actor_type"),
          Field("municipality", "ref", "Kommune", "Kommune, zu der die Organisation gehört.", ref="municipality"),
          Field("url", "url", "Webseite", "Öffentliche Webseite der Organisation."),
          _sources(), NOTES),
         supporting=True),
    Kind("person", "people", "Personen",
         "Personen, die in den Quellen mit Funktion genannt werden.",
         "people.yaml", "list",
         (_id(),
          Field("name", "str", "Name", "Name, wie ihn die Quelle schreibt.", required=True),
          Field("roles", "list", "Funktionen",
                "Funktionen, wie jede Quelle sie zum jeweiligen Zeitpunkt angibt.", required=True, min_items=1,
                table="person_roles",
                item=Field("role", "object", "Funktion", fields=(
                    Field("role", "str", "Funktion", "Funktion, wie die Quelle sie angibt.", required=True),
                    Field("organization", "ref", "Organisation", "Organisation, für die die Person tätig ist.",
                          ref="organization"),
                    Field("municipality", "ref", "Kommune",
                          "Kommune, der die Quelle die Funktion zuordnet, wenn sie keine Organisation nennt "
                          "(z. B. „Bildungskoordinatorin aus Trier“).", ref="municipality"),
                    Field("source", "ref", "Quelle", "Quelle, die die Funktion nennt.", required=True, ref="source"),
                    Field("as_of", "partial_date", "Stand", "Zeitpunkt, zu dem die Quelle die Funktion angibt."),
                ))),
          NOTES),
         supporting=True),
    Kind("series", "series", "Veranstaltungsreihen",
         "Reihen von Fachveranstaltungen, zu denen einzelne Veranstaltungen gehören.",
         "series.yaml", "list",
         (_id(),
          Field("title", "str", "Titel", "Titel der Reihe.", required=True),
          Field("organizers", "list", "Veranstalter", "Organisationen, die die Reihe ausrichten.",
                table="series_organizers", item=Field("organizer", "ref", "Veranstalter", ref="organization")),
          Field("description", "text", "Beschreibung", "Worum es in der Reihe ging, in eigenen Worten."),
          _sources(), NOTES),
         label="title", supporting=True),
    Kind("event", "events", "Veranstaltungen",
         "Fachveranstaltungen, auf denen Praxisbeispiele vorgestellt und Aussagen gemacht wurden.",
         "events.yaml", "list",
         (_id(),
          Field("title", "str", "Titel", "Titel der Veranstaltung.", required=True),
          Field("series", "ref", "Reihe", "Veranstaltungsreihe.", ref="series"),
          Field("date", "partial_date", "Datum",
                "Datum, so genau die Quellen es angeben (JJJJ, JJJJ-MM oder JJJJ-MM-TT); bei Zeiträumen der Beginn."),
          Field("date_end", "partial_date", "Datum bis", "Ende eines Zeitraums, wenn kein genauer Tag bekannt ist."),
          Field("municipality", "ref", "Ort (Kommune)", "Kommune, in der die Veranstaltung stattfand.",
                ref="municipality"),
          Field("place", "str", "Ort", "Ort als Text, wenn keine Kommune zugeordnet werden kann."),
          Field("venue", "str", "Veranstaltungsort", "Haus und Adresse."),
          Field("organizers", "list", "Veranstalter", "Organisationen, die die Veranstaltung ausrichten.",
                table="event_organizers", item=Field("organizer", "ref", "Veranstalter", ref="organization")),
          Field("topic", "text", "Thema", "Thema in eigenen Worten."),
          Field("participants", "str", "Teilnehmende", "Teilnehmendenzahl, wie die Quelle sie angibt (z. B. „rund 100“)."),
          _people("der Veranstaltung", "event_people"),
          _sources(), NOTES),
         label="title", supporting=True),
    Kind("case", "cases", "Praxisbeispiele",
         "Gute Praxis kommunaler Kooperation: wer was mit wem gemacht hat und was zum Gelingen beitrug.",
         "cases/*.yaml", "one",
         (_id(),
          Field("title", "str", "Titel", "Titel des Praxisbeispiels.", required=True),
          Field("municipality", "ref", "Kommune", "Kommune, in der das Beispiel umgesetzt wurde.", required=True,
                ref="municipality"),
          Field("fields", "list", "Handlungsfelder", "Handlungsfelder, in denen das Beispiel liegt.", required=True,
                min_items=1, table="case_fields", facet_column="field_labels",
                item=Field("field", "ref", "Handlungsfeld", ref="field")),
          Field("summary", "text", "Zusammenfassung",
                "Kurze Zusammenfassung auf Deutsch, in eigenen Worten, nur mit Fakten aus den Quellen.", required=True),
          Field("goals", "text", "Ziele",
                "Was erreicht werden sollte, in eigenen Worten, nur was die Quellen sagen (in deren Zeitform)."),
          Field("approach", "text", "Vorgehen", "Wie vorgegangen wurde, in eigenen Worten, nur was die Quellen sagen."),
          Field("results", "text", "Ergebnisse",
                "Was erreicht wurde, laut Quelle; ein Plan („soll“, „wird“) ist kein Ergebnis."),
          Field("lessons", "text", "Stolpersteine und Lehren",
                "Schwierigkeiten und Lehren, die die Quellen selbst nennen."),
          Field("period_start", "partial_date", "Beginn", "Beginn, soweit die Quellen ihn nennen."),
          Field("period_end", "partial_date", "Ende", "Ende, soweit die Quellen es nennen."),
          Field("status", "enum", "Status", "Stand der Umsetzung laut Quelle.",
                choices=("geplant", "laufend", "verstetigt", "beendet")),
          Field("status_as_of", "partial_date", "Stand des Status",
                "Zeitpunkt, für den die Quelle den Status angibt (JJJJ, JJJJ-MM oder JJJJ-MM-TT)."),
          Field("bmbf_programme", "bool", "Im BMBF-Programm",
                "Gehört zum Programm „Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte“ (BMBF): "
                "true oder false nur, wenn eine Quelle (oder eine Anmerkung) es belegt; sonst weglassen (unbekannt)."),
          Field("partners", "list", "Partner", "Kooperationspartner mit Akteurstyp und Rolle.",
                table="case_partners", facet_column="partner_types", facet_via="actor_type",
                item=Field("partner", "object", "Partner", fields=(
                    Field("organization", "ref", "Organisation", "Erfasste Organisation.", ref="organization"),
                    Field("label", "str", "Bezeichnung", "Bezeichnung, wenn keine Organisation erfasst ist."),
                    Field("actor_type", "ref", "Akteurstyp", "Art des Partners.", required=True, ref="actor_type"),
                    Field("role", "str", "Rolle", "Rolle in der Kooperation, wie die Quelle sie beschreibt."),
                ))),
          Field("factors", "list", "Erfolgsfaktoren", "Erfolgsfaktoren mit Beleg und Quelle.", required=True,
                min_items=1, table="case_factors", facet_column="factor_labels", facet_via="factor",
                item=Field("coding", "object", "Codierung", fields=(
                    Field("factor", "ref", "Erfolgsfaktor", "Faktor aus dem Codebuch.", required=True, ref="factor"),
                    Field("evidence", "text", "Beleg",
                          "Beleg aus der Quelle, der den Faktor in diesem Beispiel am Werk zeigt: wörtlich in „…“ "
                          "oder in eigenen Worten; mehrere Belege für denselben Faktor stehen in einer Codierung.",
                          required=True),
                    Field("verbatim", "bool", "Wörtlich",
                          "true: der Beleg ist ein wörtliches Zitat aus der Quelle (in „…“); "
                          "false: eine Umschreibung in eigenen Worten.", required=True),
                    Field("source", "ref", "Quelle", "Quelle des Belegs.", required=True, ref="source"),
                ))),
          Field("presented_at", "list", "Vorgestellt auf", "Veranstaltungen, auf denen das Beispiel vorgestellt wurde.",
                table="case_events", column="event_id", facet_column="event_labels",
                item=Field("event", "ref", "Veranstaltung", ref="event")),
          _people("dem Praxisbeispiel", "case_people"),
          _sources(), NOTES),
         label="title", id_matches_file=True),
    Kind("quote", "quotes", "Zitate und Aussagen",
         "Wörtliche Zitate aus den Quellen und Aussagen, die ein Bericht in indirekter Rede wiedergibt, mit "
         "Sprecherin oder Sprecher, Funktion zum Zeitpunkt und Quelle.",
         "quotes/*.yaml", "list",
         (_id(),
          Field("text", "text", "Wortlaut",
                "Exakt wie in der Quelle; […] markiert Auslassungen. Bei indirekter Rede der Satz des Berichts "
                "selbst, ebenfalls exakt abgeschrieben.", required=True),
          Field("speech", "enum", "Redeform",
                "direct: wörtliches Zitat; indirect: der Bericht gibt die Aussage in indirekter Rede wieder, "
                "sie wird „laut Bericht“ und nie als Zitat gezeigt.", choices=("direct", "indirect"),
                default="direct"),
          Field("speaker", "ref", "Sprecher/in", "Person, der die Quelle die Aussage zuschreibt.", ref="person"),
          Field("unattributed", "str", "Ohne Zuschreibung",
                "Wenn die Quelle niemanden nennt: wem sie die Aussage zuordnet (z. B. „alle Teilnehmenden“, "
                "„eine Teilnehmerin“)."),
          Field("role_as_stated", "str", "Funktion laut Quelle", "Funktion der sprechenden Person, wie die Quelle sie angibt."),
          Field("source", "ref", "Quelle", "Quelle, die die Aussage abdruckt.", required=True, ref="source"),
          Field("event", "ref", "Veranstaltung", "Veranstaltung, auf der es gesagt wurde.", ref="event"),
          Field("language", "str", "Sprache", "Sprache als ISO-639-1-Kürzel.", pattern=LANGUAGE_PATTERN, default="de"),
          Field("factors", "list", "Erfolgsfaktoren", "Erfolgsfaktoren, zu denen die Aussage etwas sagt.",
                table="quote_factors", item=Field("factor", "ref", "Erfolgsfaktor", ref="factor")),
          Field("cases", "list", "Praxisbeispiele", "Praxisbeispiele, zu denen die Aussage etwas sagt.",
                table="quote_cases", item=Field("case", "ref", "Praxisbeispiel", ref="case")),
          Field("variant_of", "list", "Variante von",
                "Andere Fassungen derselben Aussage in anderen Quellen.", table="quote_variants",
                column="variant_id", item=Field("quote", "ref", "Aussage", ref="quote")),
          NOTES),
         label="text", one_of=(("speaker", "unattributed"),)),
)
