"""The bad-input corpus: every kind of broken data gives its German message at file:line:col, never a traceback.

Each folder in tests/bad_inputs/ holds ``case.yaml`` (what is wrong, the command, the expected exit code and
messages) and ``data/``: files laid over a copy of the fixture data (``*.append`` is appended to the file of
that name). ``setup`` makes what git cannot store: FIFOs, symlinks, generated files, a lowered limit.
"""
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kb.cli import cli

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
FIXTURE_DATA = Path(__file__).resolve().parent / "fixtures" / "data"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.yaml").exists())
_LOCATION = re.compile(r"^(.+?):(\d+):(\d+): ")


def prepare(case_dir: Path, spec: dict, tmp_path: Path, monkeypatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    overlay = case_dir / "data"
    for source in sorted(overlay.rglob("*")) if overlay.exists() else []:
        if source.is_dir():
            continue
        relative = source.relative_to(overlay)
        if relative.suffix == ".append":
            target = data / relative.with_suffix("")
            target.write_bytes(target.read_bytes() + source.read_bytes())
        else:
            (data / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, data / relative)
    setup = spec.get("setup", {})
    outside = tmp_path / "fremd.yaml"
    outside.write_text("id: fremd\n", encoding="utf-8")
    for relative in setup.get("fifo", []):
        os.mkfifo(data / relative)
    for relative, target in setup.get("symlink", {}).items():
        os.symlink(target.replace("{outside}", str(outside)), data / relative)
    for relative in setup.get("mkdir", []):
        (data / relative).mkdir()
    if "repeat" in setup:
        repeat = setup["repeat"]
        (data / repeat["path"]).write_text(repeat["before"] + repeat["text"] * repeat["times"], encoding="utf-8")
    for name, value in setup.get("limit", {}).items():
        monkeypatch.setattr(f"kb.safe_yaml.{name}", value)
    return tmp_path / setup["data_dir"] if "data_dir" in setup else data


def run(spec: dict, data: Path, tmp_path: Path):
    if spec["command"] == "build":
        args = ["build", "--data", str(data), "--db", str(tmp_path / "out" / "kb.db")]
    else:
        args = ["validate", str(data)]
    return CliRunner().invoke(cli, args)


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path, monkeypatch):
    case_dir = CORPUS / name
    spec = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    data = prepare(case_dir, spec, tmp_path, monkeypatch)
    result = run(spec, data, tmp_path)
    output = result.output.replace(f"{data}/", "")
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert result.exit_code == spec["exit"], output
    lines = [line for line in result.stdout.replace(f"{data}/", "").splitlines() if _LOCATION.match(line)]
    assert len(lines) == len(spec["expect"]), output
    for line, expected in zip(lines, spec["expect"]):
        assert line.startswith(expected["at"] + ": "), (line, expected)
        for word in expected["words"]:
            assert word in line, (word, line)
    for word in spec.get("output", []):
        assert word in output, (word, output)


def test_corpus_has_at_least_60_kinds():
    assert len(CASES) >= 60
