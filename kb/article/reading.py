"""An article as text: its title, paragraphs, sentences and the first date it names."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kb.validate import valid_partial_date

MONTHS = ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "dezember")
_MONTH = "|".join(MONTHS)
_DATES = (
    re.compile(rf"\b(?P<d>\d{{1,2}})\.\s*(?P<m>{_MONTH})\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<y>\d{{4}})\b", re.I),
)
# Words before a full stop that do not end a sentence.
ABBREVIATIONS = frozenset("dr prof st nr ca bzw vgl usw ggf inkl evtl z b u a d h e v o g s abs jh mio mrd".split())
_BOUNDARY = re.compile(r"[.!?…][“”«»\"'‘’]?\s+(?=[A-ZÄÖÜ0-9„»«\"“‚])")


class ArticleError(Exception):
    """The article cannot be read; the message is German and names file, line and column."""


@dataclass(frozen=True)
class Article:
    name: str        # file name as given, for messages
    text: str        # whole text, "\n" line ends
    title: str
    body_start: int  # offset of the text after the title line

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def read(raw: bytes, name: str) -> Article:
    """Decode an article (UTF-8, with or without BOM) and find its title (the first non-empty line)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ArticleError(f"{name}:{line}:{column}: Datei ist kein UTF-8 (Byte 0x{raw[exc.start]:02x}) "
                           "(erwartet: Text in UTF-8; im Editor als UTF-8 speichern)") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    stripped = text.lstrip()
    if not stripped.strip():
        raise ArticleError(f"{name}:1:1: Artikel ist leer (erwartet: Titel in der ersten Zeile, darunter der Text)")
    start = len(text) - len(stripped)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return Article(name, text, text[start:end].strip(), end)


def partial_date(match: re.Match) -> str | None:
    month = match.group("m")
    month = MONTHS.index(month.lower()) + 1 if not month.isdigit() else int(month)
    day = match.groupdict().get("d")
    value = f"{match.group('y')}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    return value if valid_partial_date(value) else None


def first_date(text: str) -> tuple[str, str] | None:
    """(JJJJ[-MM[-TT]], the words as written) of the first date in ``text``."""
    found = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            value = partial_date(match)
            if value:
                found.append((match.start(), -len(match.group()), value, match.group()))
    if not found:
        return None
    _, _, value, written = min(found)
    return value, written


def sentence_spans(text: str, start: int, end: int, protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as (start, end) offsets; no boundary falls inside a protected span
    (a quotation) or after an abbreviation, an initial or a day number ("12. März")."""
    spans = []
    for paragraph in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text[start:end]):
        p_start, p_end = start + paragraph.start(), start + paragraph.end()
        cursor = p_start
        for boundary in _BOUNDARY.finditer(text, p_start, p_end):
            stop = boundary.start() + 1
            if any(a < stop < b for a, b in protected):
                continue
            word = re.search(r"(\w+)[.]$", text[cursor:stop])
            if word and (word.group(1).lower() in ABBREVIATIONS or word.group(1).isdigit()
                         or len(word.group(1)) == 1):
                continue
            spans.append((cursor, boundary.end()))
            cursor = boundary.end()
        spans.append((cursor, p_end))
    return [(a, b) for a, b in spans if text[a:b].strip()]

