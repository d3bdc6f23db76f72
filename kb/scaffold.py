"""Skeletons of new records (``kb new``): every field of the model with its German comment.

Required fields are present and empty, so ``kb validate`` points at each one that still needs a
value; optional fields are commented out. Comments come from ``kb.model``, never written by hand.
"""
from __future__ import annotations

from typing import Any

from kb.drafts import Draft, DraftError, draft, target_for
from kb.ids import free_id, person_slug, slugify, taken_ids
from kb.load import Record
from kb.model import KINDS, REVIEW_KEY, Field, Kind
from kb.problems import closest
from kb.validate import TYPE_HINTS
from kb.webpage import PageInfo

NEW_KINDS = ("case", "quote", "source", "event", "person", "organization")
_FORMAT_HINTS = ("url", "date", "partial_date", "bool", "int", "float")
_SOURCE_KIND_HINTS = (("pressemitteilung", "press-release"), ("/presse", "press-release"),
                      ("dokumentation", "event-documentation"), ("interview", "interview"),
                      ("/aktuelles", "news"), ("/news", "news"), ("/nachrichten", "news"))


def field_comment(field: Field) -> str:
    """'Kommune (Pflicht): Kommune, in der … Kennung aus municipalities.yaml.'"""
    parts = [f"{field.title}{' (Pflicht)' if field.required else ''}:"]
    if field.description:
        parts.append(field.description)
    target = field.ref or (field.item.ref if field.is_link_list else None)
    if target:
        parts.append(f"Kennung{'en' if field.type == 'list' else ''} aus {KINDS[target].path}.")
    if field.choices:
        parts.append("Eines von: " + ", ".join(field.choices) + ".")
    if field.type in _FORMAT_HINTS:
        parts.append(f"Format: {TYPE_HINTS[field.type]}.")
    return " ".join(parts)


def check_kind(name: str) -> Kind:
    if name not in NEW_KINDS:
        guess = closest(name, NEW_KINDS)
        hint = f"; meinten Sie '{guess}'?" if guess else ""
        raise DraftError(f"unbekannte Art '{name}' (erwartet: eine von {', '.join(NEW_KINDS)}{hint})")
    return KINDS[name]


def new_id(kind: Kind, title: str, records: dict[str, list[Record]]) -> str:
    base = person_slug(title) if kind.name == "person" else slugify(title, max_words=4 if kind.name == "quote" else 5)
    return free_id(base, taken_ids(records, kind.name))


def guess_source_kind(url: str, title: str) -> str:
    text = f"{url} {title}".lower()
    return next((kind for marker, kind in _SOURCE_KIND_HINTS if marker in text), "web-page")


def _template(field: Field, source_id: str | None) -> Any:
    """Value of a required field in a skeleton: an empty list, one empty item, or nothing."""
    if field.is_child_list:
        members = {m.name for m in field.item.fields}
        return [{"source": source_id} if source_id and "source" in members else {}]
    if field.type == "list":
        return [source_id] if source_id and field.name == "sources" else []
    if field.name == "source" and source_id:
        return source_id
    return None


def skeleton(kind_name: str, title: str, records: dict[str, list[Record]], source_id: str | None = None,
             url: str | None = None, page: PageInfo | None = None) -> Draft:
    """A skeleton record of ``kind_name`` titled ``title``, with a free id and its target file."""
    kind = check_kind(kind_name)
    if source_id is not None and source_id not in taken_ids(records, "source"):
        guess = closest(source_id, taken_ids(records, "source"))
        raise DraftError(f"unbekannte Quelle '{source_id}' (erwartet: Kennung aus sources.yaml"
                         + (f"; meinten Sie '{guess}'?)" if guess else ")"))
    if kind.name == "quote" and source_id is None:
        raise DraftError("Zitate stehen je Quelle in quotes/<quelle>.yaml (erwartet: --source KENNUNG)")
    if url is not None and kind.name != "source":
        raise DraftError("--from-url füllt nur Quellen vor (erwartet: kb new source --from-url URL)")
    title = title or (page.title if page else None) or ""
    data: dict[str, Any] = {"id": new_id(kind, title or kind.name, records)}
    if url is not None:
        data[REVIEW_KEY] = ("Angaben aus der Seite übernommen: Titel, Herausgeber, Datum und Art mit der Seite "
                            "vergleichen")
        data["url"] = url
    data[kind.label] = title or None
    if kind.name == "source" and url is not None:
        page = page or PageInfo()
        data.update({k: v for k, v in (("publisher", page.publisher), ("date", page.date)) if v})
        data["kind"] = guess_source_kind(url, title)
        if page.language and page.language != "de":
            data["language"] = page.language
    shown = {group[0] for group in kind.one_of}  # e.g. a quote's speaker (or unattributed)
    for field in kind.fields:
        if (field.required or field.name in shown) and field.name not in data:
            data[field.name] = _template(field, source_id)
    return draft(kind, [data], target_for(kind, data["id"], source_id), field_comment, skeleton=True)
