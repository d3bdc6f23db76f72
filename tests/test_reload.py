"""kb serve --reload, for real: a subprocess serving HTTP, data files edited underneath it."""
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m kb serve --reload`` with its output collected line by line."""

    def __init__(self, data: Path, db: Path):
        self.port = free_port()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kb", "serve", "--reload", "--data", str(data), "--db", str(db),
             "--metadata", str(ROOT / "metadata.yml"), "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def title(self, case_id: str) -> str | None:
        try:
            rows = httpx.get(f"http://127.0.0.1:{self.port}/kb/cases.json",
                             params={"_shape": "array", "id": case_id}, timeout=10).json()
        except httpx.HTTPError:
            return None
        return rows[0]["title"] if rows else None

    def wait(self, condition, what: str):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{what} did not happen; output:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def server(fixture_data, tmp_path):
    server = Server(fixture_data, tmp_path / "kb.db")
    yield server
    server.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_new_data_shows_on_the_next_request_and_errors_keep_the_old_site(server, fixture_data):
    case = fixture_data / "cases" / "kassel-beispiel.yaml"
    original = "Kooperationsarbeit für Geflüchtete in Kassel"
    assert server.wait(lambda: server.title("kassel-beispiel"), "first page") == original

    edit(case, f"title: {original}", "title: Neuer Titel aus der Vorschau")
    server.wait(lambda: server.title("kassel-beispiel") == "Neuer Titel aus der Vorschau", "reload")
    assert any("kassel-beispiel.yaml geändert: neu gebaut in" in line for line in server.lines)

    edit(case, "municipality: kassel", "municipality: kasel")
    error = server.wait(lambda: next((line for line in server.lines if "unbekannte Kennung 'kasel'" in line), None),
                        "error report")
    assert error == (f"{case}:3:15: municipality: unbekannte Kennung 'kasel' (erwartet: Kennung aus Kommunen "
                     "(municipalities.yaml); meinten Sie 'kassel'?)")
    assert any("die Website zeigt weiter den letzten gültigen Stand" in line for line in server.lines)
    assert server.title("kassel-beispiel") == "Neuer Titel aus der Vorschau"  # the old site keeps serving

    edit(case, "municipality: kasel", "municipality: kassel")
    edit(case, "title: Neuer Titel aus der Vorschau", "title: Wieder gültig")
    server.wait(lambda: server.title("kassel-beispiel") == "Wieder gültig", "reload after the fix")
    # a new record in a list file appears as well, and the table counts follow
    quotes = fixture_data / "quotes" / "news.yaml"
    quotes.write_text(quotes.read_text(encoding="utf-8") + "- {id: neu, text: Ein neuer Satz, unattributed: "
                      "Teilnehmende, source: news}\n", encoding="utf-8")
    server.wait(lambda: httpx.get(f"http://127.0.0.1:{server.port}/kb/quotes/neu.json", timeout=10).status_code == 200,
                "new quote")


def test_start_with_invalid_data_and_no_database_fails(fixture_data, tmp_path):
    (fixture_data / "sources.yaml").write_text("- id: news\n  id: doppelt\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kb", "serve", "--reload", "--data", str(fixture_data),
                             "--db", str(tmp_path / "kb.db"), "--metadata", str(ROOT / "metadata.yml"),
                             "--port", str(free_port())], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "sources.yaml:2:3: id: Schlüssel doppelt" in result.stdout
