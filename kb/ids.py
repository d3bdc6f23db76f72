"""Ids for new records: readable slugs derived from a title or name, never one that is taken."""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from kb.load import Record

_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# Words that make ids long without telling records apart.
STOPWORDS = frozenset(
    "der die das des dem den ein eine einer eines einem und oder in im ins am an auf aus bei beim für fuer mit "
    "von vom zu zum zur über ueber als wie nach durch gegen ohne um sich ist sind the of and".split())
_TITLES = frozenset({"dr", "prof", "dipl", "ing"})


def slugify(text: str, max_words: int = 5, max_length: int = 50, drop_stopwords: bool = True) -> str:
    """'Tragfähiges Netzwerk für Flüchtlinge in Nürnberg' → 'tragfaehiges-netzwerk-fluechtlinge-nuernberg'."""
    ascii_text = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATION))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_text) if w and (len(w) > 1 or w.isdigit())]
    kept = [w for w in words if not drop_stopwords or (w not in STOPWORDS and w not in _TITLES)] or words
    slug = ""
    for word in kept[:max_words]:
        candidate = f"{slug}-{word}" if slug else word
        if slug and len(candidate) > max_length:
            break
        slug = candidate
    return slug[:max_length].strip("-")


def person_slug(name: str) -> str:
    """'Dr. Klaus-Peter Müller' → 'klaus-peter-mueller' (every part of the name, no titles)."""
    return slugify(name, max_words=6, max_length=60)


def taken_ids(records: dict[str, list[Record]], kind: str) -> set[str]:
    return {r.id for r in records.get(kind, []) if r.id}


def free_id(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is not taken."""
    taken = set(taken)
    base = base or "neu"
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
