"""The kb command: exit codes, messages, --help with an example for every command."""
import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(cli.commands)


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_commands_exist():
    assert COMMANDS == ["build", "export", "generate", "import-article", "new", "release", "report", "serve", "validate"]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_every_command_has_help_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    example = re.search(r"Example:\s+(kb .+)", result.output)
    assert example, result.output
    assert example.group(1).split()[1] in (command or ["validate"])[:1] + COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    assert re.search(rf"`kb {command}\b", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_validate_clean_data_exits_0(fixture_data):
    result = run("validate", str(fixture_data))
    assert result.exit_code == 0
    assert result.output == f"OK: 22 Datensätze in {fixture_data} geprüft, keine Probleme.\n"


def test_validate_broken_file_prints_file_line_and_exits_1(fixture_data):
    path = fixture_data / "municipalities.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("state: hessen", "state: hesen"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(fixture_data)])
    assert result.exit_code == 1
    assert result.stdout == (f"{path}:4:10: state: unbekannte Kennung 'hesen' (erwartet: Kennung aus Bundesländer "
                             "(vocabularies/states.yaml); meinten Sie 'hessen'?)\n")
    assert result.stderr == "1 Problem(e) gefunden.\n"


def test_validate_missing_directory_is_a_usage_error(tmp_path):
    result = run("validate", str(tmp_path / "fehlt"))
    assert result.exit_code == 2
    assert "Datenordner" in result.output and "nicht gefunden" in result.output
    assert "Traceback" not in result.output


def test_build_refuses_invalid_data_and_keeps_old_database(fixture_data, tmp_path):
    db_path = tmp_path / "out" / "kb.db"
    assert run("build", "--data", str(fixture_data), "--db", str(db_path)).exit_code == 0
    before = db_path.read_bytes()
    (fixture_data / "sources.yaml").write_text("- id: news\n  id: doppelt\n", encoding="utf-8")
    result = run("build", "--data", str(fixture_data), "--db", str(db_path))
    assert result.exit_code == 1
    assert "sources.yaml:2:3: id: Schlüssel doppelt (schon in Zeile 1)" in result.output
    assert "Build abgebrochen; die vorhandene Datenbank bleibt unverändert." in result.output
    assert db_path.read_bytes() == before


def test_build_reports_counts(fixture_data, tmp_path):
    result = run("build", "--data", str(fixture_data), "--db", str(tmp_path / "kb.db"))
    assert result.exit_code == 0
    assert "cases 1" in result.output and "quotes 3" in result.output
    conn = sqlite3.connect(tmp_path / "kb.db")
    assert conn.execute("select count(*) from quotes").fetchone() == (3,)


def test_serve_rebuilds_only_when_data_changed(fixture_data, tmp_path):
    from kb.serve import ensure_built

    db_path = tmp_path / "kb.db"
    assert ensure_built(fixture_data, db_path) is not None
    inspected = json.loads((tmp_path / "kb.db.inspect.json").read_text())
    assert inspected["kb"]["tables"]["cases"]["count"] == 1
    assert ensure_built(fixture_data, db_path) is None
    (fixture_data / "series.yaml").write_text("- {id: reihe-2018, title: Neue Reihe, sources: [news]}\n",
                                              encoding="utf-8")
    assert ensure_built(fixture_data, db_path) is not None


def test_serve_command_line_is_immutable_and_local():
    from kb.serve import datasette_command

    command = datasette_command(Path("build/kb.db"), Path("metadata.yml"), 8123)
    assert command[1:6] == ["-m", "datasette", "serve", "-i", "build/kb.db"]
    assert command[command.index("-h") + 1] == "127.0.0.1" and command[command.index("-p") + 1] == "8123"
    assert ["--setting", "suggest_facets", "off"] == command[command.index("suggest_facets") - 1:][:3]
    assert command[command.index("--inspect-file") + 1] == "build/kb.db.inspect.json"


def test_unwritable_database_path_is_a_message_not_a_traceback(fixture_data, tmp_path):
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    result = run("build", "--data", str(fixture_data), "--db", str(blocker / "kb.db"))
    assert result.exit_code == 1
    assert result.output == f"Fehler: existiert bereits (als Datei, wo ein Ordner nötig ist?): {blocker}\n"


def test_unwritable_output_folder_is_one_german_line(fixture_data):
    result = run("build", "--data", str(fixture_data), "--db", "/proc/kb.db")
    assert result.exit_code == 1
    assert re.fullmatch(r"Fehler: Datenbank /proc/\.kb\.db\.\d+\.tmp konnte nicht geschrieben werden: Datei lässt "
                        r"sich nicht anlegen \(Ordner vorhanden und beschreibbar\?\)\n", result.output), result.output


def test_build_removes_temp_files_of_killed_builds_only(fixture_data, tmp_path):
    import subprocess

    from kb.build import temp_path

    db_path = tmp_path / "kb.db"
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process id that no longer exists
    stale, running = temp_path(db_path, gone.pid), temp_path(db_path, 1)  # pid 1 is always alive
    stale.write_bytes(b"x" * 1000)
    running.write_bytes(b"x")
    assert run("build", "--data", str(fixture_data), "--db", str(db_path)).exit_code == 0
    assert not stale.exists() and running.exists()
