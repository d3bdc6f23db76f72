"""Draft records from an article, each marked ``review:`` with what the curator must check.

The draft holds a source, a case, the quotations, and the people, organisations and
municipalities that are not yet recorded. Facts the article does not give (a summary in the
curator's own words, a Bundesland, a missing role) stay empty, so validation names them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.article import factors, match
from kb.article.quotes import Quotation, Speaker, quotations, quote_spans
from kb.article.reading import Article, first_date, sentence_spans
from kb.drafts import Draft, draft, target_for
from kb.ids import free_id, person_slug, slugify, taken_ids
from kb.load import Record
from kb.model import KINDS, REVIEW_KEY

UNATTRIBUTED = "im Artikel ohne Sprecherin oder Sprecher"
_ORGANIZATION_WORDS = ("e.V.", "GmbH", "gGmbH", "Verein", "Stiftung", "Volkshochschule", "Amt", "Büro",
                       "Zentrum", "Jobcenter", "Agentur", "Verband", "Netzwerk", "Schule", "Hochschule")


@dataclass(frozen=True)
class ImportResult:
    drafts: list[Draft]
    note: str  # YAML comments for the top of the draft


def _percent(score: float) -> str:
    return f"{score:.0f} %"


def _closest(kind: str, m: match.Match) -> str:
    return f"ähnlichste vorhandene: {m.closest}, {_percent(m.score)}" if m.closest else f"keine ähnliche {kind} erfasst"


class _Ids:
    """Free ids per kind: existing ones and the ones this draft has handed out."""

    def __init__(self, records: dict[str, list[Record]]):
        self.taken = {name: taken_ids(records, name) for name in KINDS}

    def new(self, kind: str, base: str) -> str:
        new_id = free_id(base, self.taken[kind])
        self.taken[kind].add(new_id)
        return new_id


def _actor_type(name: str, records: dict[str, list[Record]]) -> str | None:
    """The actor type whose label shares a word with the organisation's name ('Verein …' → verein)."""
    words = {w.lower() for w in name.replace("/", " ").split()}
    if "e.v." in words:
        words.add("verein")
    for record in records["actor_type"]:
        label_words = {w.lower() for w in str(record.data.get("label", "")).replace("/", " ").split() if len(w) > 3}
        if words & label_words:
            return record.id
    return None


class _Builder:
    def __init__(self, article: Article, records: dict[str, list[Record]], url: str | None):
        self.article = article
        self.records = records
        self.ids = _Ids(records)
        self.url = url
        self.source_id = self.ids.new("source", slugify(article.title))
        self.people: dict[str, dict[str, Any]] = {}          # name key → new person record
        self.organizations: dict[str, dict[str, Any]] = {}   # name → new organisation record
        self.municipalities: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ records

    def source(self, date: tuple[str, str] | None) -> dict[str, Any]:
        checks = ["Entwurf aus dem Artikel: Titel, Datum"
                  + (f" (erkannt: „{date[1]}“)" if date else " (keins im Text gefunden)")
                  + ", Herausgeber (publisher) und Art (kind) mit der Quelle vergleichen"]
        if not self.url:
            checks.append("Adresse (url) der Quelle eintragen")
        record = {"id": self.source_id, REVIEW_KEY: "; ".join(checks), "url": self.url, "title": self.article.title}
        if date:
            record["date"] = date[0]
        record["kind"] = "news"
        return record

    def municipality(self, place: match.Place) -> dict[str, Any]:
        kind_check = "Kommunentyp (kind) prüfen" if place.kind else "Kommunentyp (kind) ergänzen"
        record = {"id": self.ids.new("municipality", slugify(place.name)),
                  REVIEW_KEY: f"Neue Kommune aus dem Artikel („{place.name}“; {_closest('Kommune', place.match)}): "
                              f"prüfen, ob sie aufgenommen werden soll; {kind_check} und Bundesland (state) ergänzen",
                  "name": place.name, "kind": place.kind, "state": None, "sources": [self.source_id]}
        self.municipalities.append(record)
        return record

    def organization(self, name: str) -> str | None:
        """Id of the organisation ``name`` (existing or newly proposed), or None if it does not look like one."""
        found = match.organization(name, self.records)
        if found.id:
            return found.id
        if not any(word in name for word in _ORGANIZATION_WORDS):
            return None
        if name not in self.organizations:
            actor_type = _actor_type(name, self.records)
            self.organizations[name] = {
                "id": self.ids.new("organization", slugify(name)),
                REVIEW_KEY: f"Neue Organisation aus dem Artikel ({_closest('Organisation', found)}): Name und "
                            "Akteurstyp (actor_type) prüfen" + ("" if actor_type else ", Akteurstyp ergänzen"),
                "name": name, "actor_type": actor_type, "sources": [self.source_id]}
        return self.organizations[name]["id"]

    def speaker(self, speaker: Speaker) -> tuple[str, str]:
        """(person id, German review text for the quote)."""
        found = match.person(speaker.name, self.records)
        how = f"erkannt an „{speaker.written}“ ({speaker.pattern})"
        if found.id:
            text = f"Sprecher: {found.id} (Ähnlichkeit {_percent(found.score)}), {how}"
            if speaker.role:
                text += f"; Funktion laut dieser Quelle bei {found.id} in people.yaml ergänzen"
            return found.id, text
        key = match.name_key(speaker.name)
        if key not in self.people:
            segments = [s.strip() for s in (speaker.role or "").split(",")]
            organization = next(filter(None, (self.organization(s) for s in segments[1:])), None)
            role: dict[str, Any] = {"role": speaker.role}
            if organization:
                role["organization"] = organization
            role["source"] = self.source_id
            self.people[key] = {
                "id": self.ids.new("person", person_slug(speaker.name)),
                REVIEW_KEY: f"Neue Person aus dem Artikel ({_closest('Person', found)}): prüfen, ob sie schon "
                            "erfasst ist; " + ("Funktion laut Artikel prüfen" if speaker.role
                                               else "der Artikel nennt keine Funktion: role ergänzen"),
                "name": speaker.name, "roles": [role]}
        person_id = self.people[key]["id"]
        return person_id, f"Sprecher: neue Person {person_id}, {how}"

    def quote(self, quotation: Quotation, factor_records: list[Record]) -> dict[str, Any]:
        checks = ["Wortlaut mit der Quelle vergleichen"]
        if quotation.parts > 1:
            checks.append("aus zwei Teilen zusammengesetzt, die Auslassung ist mit […] markiert")
        record: dict[str, Any] = {}
        if quotation.speaker:
            person_id, text = self.speaker(quotation.speaker)
            checks.append(text)
            surname = quotation.speaker.name.split()[-1]
        else:
            checks.append("kein Sprecher im Artikel: Zuschreibung (unattributed) prüfen")
            person_id, surname = None, ""
        if quotation.language != "de":
            checks.append(f"Sprache {quotation.language} erkannt")
        found = factors.candidates([quotation.text], factor_records)
        if found:
            checks.append("Erfolgsfaktoren vorgeschlagen: " + ", ".join(f"{c.id} („{c.term}“)" for c in found))
        record["id"] = self.ids.new("quote", slugify(f"{surname} {quotation.text}", max_words=4))
        record[REVIEW_KEY] = "; ".join(checks)
        record["text"] = quotation.text
        if person_id:
            record["speaker"] = person_id
            if quotation.speaker.role:
                record["role_as_stated"] = quotation.speaker.role
        else:
            record["unattributed"] = UNATTRIBUTED
        record["source"] = self.source_id
        if quotation.language != "de":
            record["language"] = quotation.language
        if found:
            record["factors"] = [c.id for c in found]
        return record

    def case(self, places: list[match.Place], sentences: list[str]) -> dict[str, Any]:
        known = [p for p in places if p.match.id]
        codings = factors.candidates(sentences, self.records["factor"])
        fields = factors.candidates(sentences, self.records["field"], factors.field_terms)
        checks = ["Entwurf eines Praxisbeispiels aus dem Artikel: Titel prüfen; Zusammenfassung (summary) in "
                  "eigenen Worten schreiben, nur mit Fakten aus der Quelle"]
        checks.append(f"Kommune: {known[0].match.id} (erkannt: „{known[0].name}“)" if known
                      else "keine erfasste Kommune im Text: municipality eintragen")
        checks.append("Handlungsfelder vorgeschlagen: " + ", ".join(f"{c.id} („{c.term}“)" for c in fields)
                      if fields else "keine Handlungsfelder erkannt: fields eintragen")
        if not codings:
            checks.append("keine Erfolgsfaktoren erkannt: Codierungen (factors) von Hand ergänzen")
        return {
            "id": self.ids.new("case", slugify(self.article.title)),
            REVIEW_KEY: "; ".join(checks),
            "title": self.article.title,
            "municipality": known[0].match.id if known else None,
            "fields": [c.id for c in fields],
            "summary": None,
            "factors": [{"factor": c.id,
                         REVIEW_KEY: f"ausgelöst durch „{c.term}“: zeigt der Satz den Faktor in diesem Fall am Werk "
                                     "(kein Plan, keine Überschrift)? Beleg auf das Nötige kürzen",
                         "evidence": verbatim(c.sentence), "verbatim": True, "source": self.source_id}
                        for c in codings],
            "sources": [self.source_id],
        }


def verbatim(sentence: str) -> str:
    """A sentence quoted as evidence: in „…“, its own quotation marks turned into ‚…‘."""
    return "„" + sentence.translate(str.maketrans({"„": "‚", "“": "‘", "»": "‚", "«": "‘"})) + "“"


def _note(article: Article, places: list[match.Place], terms: list[tuple[int, str]], unclosed: list[int]) -> str:
    lines = [f"# Entwurf aus {article.name}: „{article.title}“",
             "# Jeden Hinweis 'review:' abarbeiten und die Zeile danach löschen, leere Felder ausfüllen, "
             "dann 'kb validate'."]
    if places:
        lines.append("# Orte: " + ", ".join(f"{p.name} ({p.match.id}, {_percent(p.match.score)})" if p.match.id
                                            else f"{p.name} (neu)" for p in places))
    for line, term in terms:
        lines.append(f"# Zeile {line}: „{term}“ steht in Anführungszeichen, ist aber kein Zitat "
                     "(zu kurz, ohne Sprecher)")
    for line in unclosed:
        lines.append(f"# Zeile {line}: Anführungszeichen ohne Gegenstück, nicht als Zitat übernommen")
    return "\n".join(lines) + "\n"


def import_article(article: Article, records: dict[str, list[Record]], url: str | None = None) -> ImportResult:
    text, body = article.text, article.text[article.body_start:]
    spans, _ = quote_spans(text)
    sentences = [" ".join(text[a:b].split()) for a, b in sentence_spans(text, article.body_start, len(text), spans)]
    places = match.places(body, records)
    found, terms, unclosed = quotations(article)

    builder = _Builder(article, records, url)
    source = builder.source(first_date(body))
    quotes = [builder.quote(q, records["factor"]) for q in found]
    case = builder.case(places, sentences)
    for place in places:
        if not place.match.id:
            builder.municipality(place)

    drafts = [draft(KINDS["source"], [source], target_for(KINDS["source"], source["id"]))]
    for kind, items in (("municipality", builder.municipalities), ("organization", list(builder.organizations.values())),
                        ("person", list(builder.people.values()))):
        if items:
            drafts.append(draft(KINDS[kind], items, target_for(KINDS[kind], items[0]["id"])))
    if quotes:
        drafts.append(draft(KINDS["quote"], quotes, target_for(KINDS["quote"], quotes[0]["id"], source["id"])))
    drafts.append(draft(KINDS["case"], [case], target_for(KINDS["case"], case["id"])))
    return ImportResult(drafts, _note(article, places, terms, unclosed))
