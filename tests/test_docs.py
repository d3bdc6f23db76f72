"""Documentation claims: the README quick start holds exactly the two commands CI and users run."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Schnellstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [line for block in blocks for line in block.splitlines() if line and not line.startswith("#")]


def test_quick_start_has_exactly_two_commands():
    serve, test = quick_start_commands()
    assert serve == "python3 -m pip install -e . && python3 -m kb serve"
    assert "playwright " + "install" not in test  # it would download a browser: Debian chromium is used
    assert test.startswith("apt-get update && apt-get install -y chromium") and test.endswith("python3 -m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    pattern = re.search(r"grep -E '(.+?)' README.md", ci).group(1)
    assert re.match(pattern, quick_start_commands()[1])
