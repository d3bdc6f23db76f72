"""Quotations in an article and who said them, from the usual German attribution patterns.

Recognised quotation marks: „…“ (and „…”), »…«, «…», ‚…‘, "…" and English “…”. Marks inside a
quotation are part of it (nested quotes); a quotation that runs over a paragraph break may re-open
with „ at the start of the new paragraph, as German typesetting does. Attributions:

- ``„…“, sagte Name, Rolle, Organisation`` and other verbs of saying, or ``so Name``;
- ``Name (Rolle): „…“``;
- a speaker named at the start of the sentence before (``Name koordiniert … „…“``);
- a quotation interrupted by its attribution (``„Erster Teil“, so Name, Rolle, „zweiter Teil.“``),
  joined with `` […] ``.

Spans of fewer than MIN_WORDS words without an attribution are terms in quotation marks
(„kurze Wege“), not quotations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb.article.reading import Article, sentence_spans
from kb.ids import STOPWORDS

MIN_WORDS = 4
CLOSERS = {"„": "“”", "»": "«", "«": "»", "‚": "‘", '"': '"', "“": "”"}
VERBS = ("sagte", "sagt", "betonte", "betont", "erklärte", "erklärt", "meinte", "meint", "ergänzte", "ergänzt",
         "berichtete", "berichtet", "unterstrich", "unterstreicht", "erläuterte", "erläutert", "bekräftigte",
         "bekräftigt", "resümierte", "resümiert", "mahnte", "mahnt", "warnte", "warnt", "so",
         "said", "says", "explained", "added", "stressed")
_VERB = "|".join(VERBS)
_TITLE = r"(?:(?:Prof|Dr|Dipl)\.(?:-\w+\.)?\s+)"
_CAP = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)*"
_NAME = rf"(?P<name>{_TITLE}*{_CAP}(?:\s+(?:(?:von|van|de|zu|vom)\s+)*{_CAP})+)"
_AFTER = re.compile(rf"^\s*,?\s*(?P<verb>{_VERB})\s+{_NAME}(?P<rest>[^„“”»«\"‚]*)")
_BEFORE = re.compile(rf"{_NAME}\s*(?:\((?P<role>[^)]*)\))?\s*(?:{_VERB})?\s*:\s*$")
_SENTENCE_BEFORE = re.compile(rf"^\s*{_NAME}(?:\s*,\s*(?P<role>[^,]+),)?\s+[a-zäöüß]")
# Capitalised at the start of a sentence, but not names.
_SENTENCE_STARTERS = STOPWORDS | set(
    "auch dabei zudem außerdem doch nun heute jetzt hier dort seit vor während wenn weil dass daher deshalb "
    "trotzdem bereits schon gerade besonders getragen".split())
_EN = frozenset("the and is are was were when their we our it of to that this with for you they have has not be".split())
_DE = frozenset("der die das und ist sind war wir unser es zu dass mit für nicht ein eine ich sie haben hat auf "
                "den dem des im".split())


@dataclass(frozen=True)
class Speaker:
    name: str
    role: str | None
    pattern: str     # German: which attribution pattern found the speaker
    written: str     # the attribution as written in the article


@dataclass(frozen=True)
class Quotation:
    text: str
    start: int                # offset of the first opening mark
    speaker: Speaker | None
    parts: int                # 2 when an interrupted quotation was joined
    language: str


def _paragraph_start(text: str, i: int) -> bool:
    before = text[:i].rstrip(" \t")
    return before.endswith("\n\n") or not before


def quote_spans(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Top-level quotation spans (opening mark .. after closing mark) and offsets of unclosed marks."""
    ignored: set[int] = set()
    while True:
        spans, stack = [], []
        for i, ch in enumerate(text):
            if i in ignored:
                continue
            if stack:
                opener = stack[-1][0]
                if ch in CLOSERS[opener]:
                    start = stack.pop()[1]
                    if not stack:
                        spans.append((start, i + 1))
                elif ch == opener and len(stack) == 1 and _paragraph_start(text, i):
                    continue  # the quotation goes on in a new paragraph
                elif ch in CLOSERS:
                    stack.append((ch, i))
            elif ch in CLOSERS:
                stack.append((ch, i))
        if not stack:
            return spans, sorted(ignored)
        ignored.add(stack[0][1])  # an opening mark that never closes: read on as if it were not there


def inner_text(text: str, start: int, end: int) -> str:
    """The words between the marks, whitespace collapsed, re-opening marks of new paragraphs dropped."""
    inner = text[start + 1:end - 1]
    inner = re.sub(rf"\n\s*\n\s*{re.escape(text[start])}", "\n\n", inner)
    return " ".join(inner.split()).removesuffix(",")  # English puts the sentence's comma inside: “…,” said


def language(text: str) -> str:
    words = [w.lower() for w in re.findall(r"[A-Za-zÄÖÜäöüß]+", text)]
    english, german = sum(w in _EN for w in words), sum(w in _DE for w in words)
    return "en" if english >= 2 and english > german else "de"


def _split_name(name: str) -> tuple[str, str | None]:
    """'Bildungskoordinatorin Lena Fiktiv' → ('Lena Fiktiv', 'Bildungskoordinatorin')."""
    words = name.split()
    titles = [w for w in words if w.endswith(".")]
    plain = [w for w in words if not w.endswith(".")]
    if len(plain) <= 2:
        return name, None
    return " ".join(titles + plain[-2:]), " ".join(plain[:-2])


def _role(prefix: str | None, rest: str) -> str | None:
    rest = rest.strip().strip(",").strip()
    rest = rest[:-1] if rest.endswith(".") and not rest.endswith("e.V.") else rest
    role = ", ".join(filter(None, [prefix, rest.strip().strip(",").strip()]))
    return role or None


def _is_name(name: str) -> bool:
    return not any(w.lower().strip(".") in _SENTENCE_STARTERS for w in name.split())


def _after(text: str, stop: int) -> tuple[Speaker | None, int]:
    """Attribution right after a quotation: (speaker, offset where it ends)."""
    match = _AFTER.match(text[:stop])
    if not match or not _is_name(match.group("name")):
        return None, 0
    name, prefix = _split_name(match.group("name"))
    verb = match.group("verb")
    pattern = "„…“, so Name" if verb == "so" else f"„…“, {verb} Name"
    written = " ".join(match.group().split()).lstrip(", ")
    return Speaker(name, _role(prefix, match.group("rest")), pattern, written), match.end()


def _before(text: str) -> Speaker | None:
    match = _BEFORE.search(text)
    if not match or not _is_name(match.group("name")):
        return None
    role = match.group("role")
    return Speaker(match.group("name"), role.strip() if role else None, "Name (Rolle): „…“",
                   " ".join(match.group().split()))


def _sentence_before(text: str) -> Speaker | None:
    match = _SENTENCE_BEFORE.match(text)
    if not match or not _is_name(match.group("name")):
        return None
    role = match.group("role")
    return Speaker(match.group("name"), role.strip() if role else None, "Sprecher im Satz davor",
                   " ".join(text.split()))


def quotations(article: Article) -> tuple[list[Quotation], list[tuple[int, str]], list[int]]:
    """(quotations, terms in quotation marks as (line, text), lines of unclosed quotation marks)."""
    text = article.text
    spans, unclosed = quote_spans(text)
    spans = [(a, b) for a, b in spans if a >= article.body_start]
    sentences = sentence_spans(text, article.body_start, len(text), spans)

    def sentence_of(offset: int) -> tuple[int, int]:
        return next((s for s in sentences if s[0] <= offset < s[1]), (offset, offset))

    found: list[Quotation] = []
    terms: list[tuple[int, str]] = []
    index = 0
    while index < len(spans):
        start, end = spans[index]
        words = inner_text(text, start, end)
        sentence_start, sentence_end = sentence_of(start)
        following = spans[index + 1] if index + 1 < len(spans) else None
        stop = min(sentence_end, following[0]) if following else sentence_end
        speaker, used = _after(text[end:], stop - end)
        parts = 1
        if (speaker and following and following[0] < sentence_end
                and not text[end + used:following[0]].strip(" ,")):
            words = f"{words} […] {inner_text(text, *following)}"
            parts = 2
            index += 1
        speaker = speaker or _before(text[sentence_start:start])
        if speaker is None and not text[sentence_start:start].strip():
            previous = [s for s in sentences if s[1] <= start and text[s[1]:start].count("\n\n") <= 1]
            if previous and not any(previous[-1][0] <= a < previous[-1][1] for a, _ in spans):
                speaker = _sentence_before(text[previous[-1][0]:previous[-1][1]])
        if speaker is None and len(words.split()) < MIN_WORDS:
            terms.append((article.line_of(start), words))
        else:
            found.append(Quotation(words, start, speaker, parts, language(words)))
        index += 1
    return found, terms, [article.line_of(u) for u in unclosed]
