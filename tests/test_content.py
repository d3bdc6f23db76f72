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


@pytest.mark.parametrize("kind", ["source", "person", "organization", "municipality"])
def test_nothing_is_orphaned(records, kind):
    used = referenced(records, kind)
    assert [r.id for r in records[kind] if not used[r.id]] == []


def test_every_factor_has_a_definition_and_a_coding(records):
    used = Counter()
    for rs in (records["case"], records["quote"]):
        for r in rs:
            for _, field, value in iter_refs(r.kind.fields, r.data):
                if field.ref == "factor":
                    used[value] += 1
    for factor in records["factor"]:
        assert factor.data["definition"].strip(), factor.id
    assert [f.id for f in records["factor"] if not used[f.id]] == []


def test_variants_link_both_ways(records):
    variants = {q.id: set(q.data.get("variant_of") or []) for q in records["quote"]}
    for quote, others in variants.items():
        for other in others:
            assert quote in variants[other], (quote, other)


def test_minimum_content(records):
    assert len(records["case"]) >= 27
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
