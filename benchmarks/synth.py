"""Synthetic data for benchmarks: a copy of data/ plus N generated cases, clearly labelled SYNTHETISCH.

Every generated file starts with a comment saying it is synthetic, every title starts with
"SYNTHETISCH" and every summary with "SYNTHETISCHE Testdaten". The cases reference the real
vocabularies, municipalities, sources and events, so they validate like real cases. Text is drawn
from a German vocabulary of real words and compounds with a Zipf-like frequency (a few words in
many cases, most words in few), so a search for a common word ("Kooperation") hits a large share
of the cases and a rare compound only a few. Nothing is ever written into data/.

    python benchmarks/synth.py --cases 10000 --out /tmp/kb-synth-10k
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MARK = "# SYNTHETISCH: erzeugt von benchmarks/synth.py für Messungen, keine echten Daten.\n"
PREFIX = "synthetisch-"
BASES = ("Kooperation Vertrauen Bildung Koordination Sprache Förderung Netzwerk Eltern Arbeit Übergang Schule "
         "Beruf Transparenz Verwaltung Gesellschaft Steuerung Gruppe Angebot Beratung Integration Jugend Hilfe "
         "Kommune Partner Projekt Träger Verein Stiftung Ehrenamt Kurs Lotsen Paten Familie Kita Ausbildung "
         "Betrieb Kammer Jobcenter Agentur Stelle Konzept Strategie Austausch Dialog Treffen Runde Plan Ziel "
         "Ergebnis Qualität Wirkung Zugang Teilhabe Sprachkurs Zuwanderung Migration Geflüchtete Dolmetscher "
         "Mentoring Monitoring Datenbank Wegweiser Broschüre Lerncafé Gutschein Quartier Stadtteil Landkreis").split()
ENDINGS = ("", "e", "en", "es", "er", "n")
STOPWORDS = "und der die das mit für in auf zu von den im dem eine ein als bei nach aus über wurde werden sich".split()


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Real base words and compounds of two of them ("Elternarbeit", "Sprachkursangebot"), shuffled."""
    compounds = {a + ("s" if a.endswith(("ung", "ion", "tät", "heit")) else "") + b.lower()
                 for a, b in itertools.permutations(BASES, 2)}
    words = list(BASES) + sorted(compounds)
    rng.shuffle(words)
    return words[:size]


class Text:
    """Zipf-distributed German words with function words in between."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words = vocabulary(rng)
        self.words.remove("Kooperation")
        self.words.insert(3, "Kooperation")  # a common word: the broad search of the benchmarks
        self.weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words))))

    def sentence(self, n: int) -> str:
        content = self.rng.choices(self.words, cum_weights=self.weights, k=n)
        out = []
        for word in content:
            out.append(word + self.rng.choice(ENDINGS) if word[0].islower() else word)
            if self.rng.random() < 0.4:
                out.append(self.rng.choice(STOPWORDS))
        return " ".join(out)


def _ids(path: Path) -> list[str]:
    """Published ids; factors kept only when already coded (a factor with a coverage note must stay uncoded)."""
    return [r["id"] for r in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            if r.get("visibility", "public") == "public" and not r.get("coverage_note")]


def _scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def case_yaml(i: int, rng: random.Random, text: Text, refs: dict[str, list[str]]) -> str:
    """One synthetic case file (block style like the curated files), about 2.3 KB."""
    case_id = f"{PREFIX}{i:06d}"
    lines = [MARK.rstrip("\n"), f"id: {case_id}",
             f"title: {_scalar(f'SYNTHETISCH {i}: ' + text.sentence(5))}",
             f"municipality: {rng.choice(refs['municipalities'])}",
             f"fields: [{', '.join(rng.sample(refs['fields'], rng.randint(1, 3)))}]",
             f"summary: {_scalar('SYNTHETISCHE Testdaten. ' + text.sentence(60))}",
             f"results: {_scalar(text.sentence(15))}",
             f"period_start: {rng.randint(2012, 2021)}",
             "partners:"]
    for _ in range(rng.randint(1, 4)):
        lines += [f"  - label: {_scalar(text.sentence(2))}", f"    actor_type: {rng.choice(refs['actor_types'])}"]
    lines.append("factors:")
    for factor in rng.sample(refs["factors"], rng.randint(1, 5)):
        lines += [f"  - factor: {factor}", f"    evidence: {_scalar(text.sentence(8))}",
                  "    verbatim: false", f"    source: {rng.choice(refs['sources'])}"]
    lines.append(f"presented_at: [{rng.choice(refs['events'])}]")
    lines.append(f"sources: [{', '.join(rng.sample(refs['sources'], 2))}]")
    return "\n".join(lines) + "\n"


def make_data(target: Path, cases: int, seed: int = 1) -> list[Path]:
    """Copy data/ to ``target`` and add ``cases`` synthetic case files; returns their paths."""
    if target.resolve().is_relative_to((ROOT / "data").resolve()):
        raise ValueError("synthetic data never goes into data/")
    shutil.copytree(ROOT / "data", target)
    rng = random.Random(seed)
    text = Text(rng)
    refs = {"municipalities": _ids(target / "municipalities.yaml"),
            "fields": _ids(target / "vocabularies" / "fields.yaml"),
            "factors": _ids(target / "vocabularies" / "factors.yaml"),
            "actor_types": _ids(target / "vocabularies" / "actor_types.yaml"),
            "sources": _ids(target / "sources.yaml"), "events": _ids(target / "events.yaml")}
    files = []
    for i in range(cases):
        path = target / "cases" / f"{PREFIX}{i:06d}.yaml"
        path.write_text(case_yaml(i, rng, text, refs), encoding="utf-8")
        files.append(path)
    return files


def yaml_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in data_dir.rglob("*.yaml"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True, help="new folder for the synthetic data set")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_data(args.out, args.cases, args.seed)
    print(f"{args.cases} synthetic cases in {args.out} ({yaml_bytes(args.out) / 1e6:.1f} MB of YAML)")


if __name__ == "__main__":
    main()
