"""Content integrity of the bundled data: every fact has a source, nothing is orphaned."""
from collections import Counter
from pathlib import Path

import pytest

from kb.load import load_data
from kb.validate import iter_refs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def records():
    return load_data(ROOT / "data").records


def referenced(records, kind: str) -> Counter:
    counts: Counter = Counter()
    for rs in records.values():
        for r in rs:
            for _, field, value in iter_refs(r.kind.fields, r.data):
                if field.ref == kind and not (r.kind.name == kind and value == r.id):
                    counts[value] += 1
    return counts


def test_every_quote_has_a_source_and_a_speaker_or_explicit_attribution(records):
    for q in records["quote"]:
        assert q.data.get("source"), q.id
        assert q.data.get("speaker") or q.data.get("unattributed", "").strip(), q.id


def test_every_case_has_a_source_and_a_factor_coding_with_evidence(records):
    for c in records["case"]:
        assert c.data.get("sources"), c.id
        assert c.data.get("factors"), c.id
        assert all(f.get("evidence", "").strip() and f.get("source") for f in c.data["factors"]), c.id


def test_every_coding_has_evidence_a_source_of_the_case_and_the_verbatim_mark(records):
    for c in records["case"]:
        for coding in c.data["factors"]:
            assert coding["evidence"].strip() and coding["source"] in c.data["sources"], (c.id, coding["factor"])
            assert isinstance(coding.get("verbatim"), bool), (c.id, coding["factor"])
            if coding["verbatim"]:
                assert "„" in coding["evidence"] and "“" in coding["evidence"], (c.id, coding["factor"])


def test_no_case_codes_a_factor_twice(records):
    pairs = Counter((c.id, coding["factor"]) for c in records["case"] for coding in c.data["factors"])
    assert [pair for pair, n in pairs.items() if n > 1] == []


def test_every_factor_has_rules_and_a_case_coding_or_a_coverage_note(records):
    coded = {coding["factor"] for c in records["case"] for coding in c.data["factors"]}
    for factor in records["factor"]:
        d = factor.data
        assert d["definition"].strip() and d.get("evidence_rule") and d.get("not_evidence"), factor.id
        if factor.id in coded:
            assert d.get("anchor_case") and not d.get("coverage_note"), factor.id
        else:
            assert d.get("coverage_note", "").strip() and not d.get("anchor_case"), factor.id


def test_every_case_has_a_start_or_presentation_year_or_a_note_saying_why_not(records):
    dated_events = {e.id for e in records["event"] if e.data.get("date")}
    for c in records["case"]:
        if c.data.get("period_start") or set(c.data.get("presented_at") or []) & dated_events:
            continue
        notes = " ".join(n["text"] for n in c.data.get("notes") or []).lower()
        assert any(word in notes for word in ("jahr", "datiert", "beginn")), c.id


def test_indirect_statements_are_reported_speech_not_quotations(records):
    indirect = [q for q in records["quote"] if q.data.get("speech") == "indirect"]
    assert len(indirect) >= 2
    for q in indirect:
        assert not q.data["text"].startswith(("„", '"', "»")), q.id  # the report's own sentence
        assert q.data.get("speaker") or q.data.get("unattributed"), q.id


def test_every_municipality_has_coordinates_and_their_source(records):
    missing = [m.id for m in records["municipality"]
               if m.data.get("latitude") is None or m.data.get("longitude") is None or not m.data.get("geodata_source")]
    assert missing == []


@pytest.mark.parametrize("kind", ["source", "person", "organization", "municipality"])
def test_nothing_is_orphaned(records, kind):
    used = referenced(records, kind)
    assert [r.id for r in records[kind] if not used[r.id]] == []


def test_variants_link_both_ways(records):
    variants = {q.id: set(q.data.get("variant_of") or []) for q in records["quote"]}
    for quote, others in variants.items():
        for other in others:
            assert quote in variants[other], (quote, other)


def test_minimum_content(records):
    assert len(records["case"]) >= 50
    assert len(records["event"]) >= 20
    assert len(records["quote"]) >= 44
    assert 15 <= len(records["factor"]) <= 25
    assert 4 <= len(records["factor_group"]) <= 6


def test_every_role_and_participation_names_a_source(records):
    for person in records["person"]:
        assert all(role.get("source") for role in person.data["roles"]), person.id
    for rs in (records["event"], records["case"]):
        for r in rs:
            assert all(p.get("source") for p in r.data.get("people") or []), r.id


def test_ags_agrees_with_the_bundesland(records):
    codes = {s.id: s.data["code"] for s in records["state"]}
    for m in records["municipality"]:
        if "ags" in m.data:
            assert m.data["ags"].startswith(codes[m.data["state"]]), m.id
