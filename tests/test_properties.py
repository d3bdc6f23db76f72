"""Property tests: any bytes or generated record gives records or problems, never an exception;
whatever validate accepts, build builds. Example counts are bounded so CI stays fast."""
import math
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kb.build import build_database
from kb.load import load_file
from kb.model import KINDS
from kb.problems import errors
from kb.safe_yaml import compose
from kb.validate import validate_dir

FIXTURE_DATA = Path(__file__).resolve().parent / "fixtures" / "data"
# CI runs a fixed set of examples (reproducible); local runs explore new ones each time.
REPRODUCIBLE = bool(os.environ.get("CI"))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=REPRODUCIBLE)
BUILDS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=REPRODUCIBLE)

YAML_TEXT = st.text(alphabet=st.sampled_from(list("[]{}:,-&*!|>'\"#%@`?\\\t\n\r ab1.~\x00\x85\u2028\ufeffé")),
                    max_size=200)


def load_bytes(data: bytes, kind: str) -> tuple[list, list]:
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "datei.yaml"
        file.write_bytes(data)
        return load_file(file, KINDS[kind], Path(tmp))


@FAST
@given(st.binary(max_size=300), st.sampled_from(["case", "source"]))
def test_any_bytes_give_records_or_problems(data, kind):
    records, problems = load_bytes(data, kind)
    # no records and no problems only for a file without a YAML document (empty, blanks, comments)
    assert records or problems or compose(data.decode("utf-8")) is None


@FAST
@given(YAML_TEXT, st.sampled_from(["case", "quote"]))
def test_any_yaml_like_text_gives_records_or_problems(text, kind):
    records, problems = load_bytes(text.encode("utf-8"), kind)
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


# Values a curator could write, valid and not: ids from the fixture data, odd text, extreme numbers.
NICE = st.sampled_from(["Kurz.", "Probe", "Vertrauen und Förderung", "Ä ö ü ß „zitiert“", "<b>fett</b>"])
TEXT = st.one_of(NICE, NICE, NICE, st.text(max_size=30), st.sampled_from(["x\n", "\x07", "   ", "", "a" * 200]))
VALUES = st.one_of(
    TEXT,
    st.sampled_from(["kassel", "uebergang", "vertrauen", "news", "doc", "kassel2", "christine-knueppel", "verein",
                     "laufend", "2018", "2018-02-30", "2099-01-01", "https://example.org/x", "internal", "public"]),
    st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(),
)
CODING = st.fixed_dictionaries({"factor": st.sampled_from(["vertrauen"] * 4 + ["nope"]), "evidence": NICE,
                                "verbatim": st.sampled_from([False] * 4 + [True]), "source": st.sampled_from(["news", "doc"])})


def case_records() -> st.SearchStrategy[dict]:
    """Mostly valid cases: required fields present, some fields replaced by arbitrary values."""
    base = st.fixed_dictionaries({
        "id": st.just("probe"), "title": st.one_of(NICE, TEXT), "municipality": st.just("kassel"), "fields": st.just(["uebergang"]),
        "summary": st.one_of(NICE, TEXT), "factors": st.lists(CODING, min_size=1, max_size=1), "sources": st.just(["news"]),
    })
    optional = st.one_of(st.just({}), st.dictionaries(
        st.sampled_from(["period_start", "period_end", "status", "goals", "bmbf_programme", "presented_at",
                         "visibility", "title", "summary", "partners", "unknown"]),
        st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=3))
    return st.tuples(base, optional).map(lambda pair: {**pair[0], **pair[1]})


def group_records() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({"id": st.just("probe-gruppe"), "label": NICE},
                                 optional={"position": st.one_of(st.integers(0, 2**63 - 1), VALUES),
                                           "label_en": st.one_of(NICE, TEXT), "visibility": st.one_of(
                                               st.sampled_from(["public", "internal"]), VALUES)})


@BUILDS
@given(case_records(), group_records())
def test_what_validate_accepts_build_builds(case, group):
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(FIXTURE_DATA, data)
        (data / "cases" / "probe.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
        groups = data / "vocabularies" / "factor_groups.yaml"
        groups.write_text(groups.read_text(encoding="utf-8") + yaml.safe_dump([group], allow_unicode=True),
                          encoding="utf-8")
        _, problems = validate_dir(data)
        event("rejected by validate" if errors(problems) else "built")
        if errors(problems):
            return
        report = build_database(data, Path(tmp) / "kb.db")
        assert report.counts["factor_groups"] >= 1
        position = group.get("position")
        if isinstance(position, float):
            assert math.isfinite(position)
