"""Candidate factors and Handlungsfelder: codebook terms found in the article's sentences.

A term matches when its words appear in a row, each word's stem beginning with the term's stem
(stems folded), the same rule as the site's search (``kb.text``): „Vertrauen“ finds
„vertrauensvolle“ and „Augenhöhe“ finds „Augenhoehe“.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kb.load import Record
from kb.text import PREFIX_MIN, stem, tokens


@dataclass(frozen=True)
class Candidate:
    id: str
    term: str       # the label or alternative label that matched
    sentence: str   # the first sentence it matched in


def stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text)]


def _word_matches(word: str, term: str) -> bool:
    return word.startswith(term) if len(term) >= PREFIX_MIN else word == term


def contains(sentence: list[str], term: list[str]) -> bool:
    return bool(term) and any(all(_word_matches(sentence[i + j], t) for j, t in enumerate(term))
                              for i in range(len(sentence) - len(term) + 1))


def factor_terms(record: Record) -> list[str]:
    return [record.data["label"], *(record.data.get("alt_labels") or [])]


def field_terms(record: Record) -> list[str]:
    """A Handlungsfeld's label in parts: 'Sprachförderung und Integrationskurse' → both words."""
    return [part.strip() for part in re.split(r",| und |–|/", record.data["label"]) if part.strip()]


def candidates(sentences: list[str], records: list[Record], terms=factor_terms) -> list[Candidate]:
    """One candidate per vocabulary entry, with the first sentence any of its terms matches."""
    stemmed = [stems(s) for s in sentences]
    found = []
    for record in records:
        if not record.id or not isinstance(record.data.get("label"), str):
            continue
        hit = next(((term, sentence) for sentence, sentence_stems in zip(sentences, stemmed)
                    for term in terms(record) if isinstance(term, str) and contains(sentence_stems, stems(term))),
                   None)
        if hit:
            found.append(Candidate(record.id, *hit))
    return found
